//! The binary `COPY` format for `responses`, written by hand: a few byte copies per column,
//! with no per-value dynamic dispatch.

use bytes::{BufMut, BytesMut};
use vouch_store::StoreResult;

use crate::error::other;

/// The statement the encoded rows are sent to, its columns in [`ResponseEncoder::row`]'s order.
pub(crate) const COPY_RESPONSES: &str = "COPY responses
    (id, workspace_id, survey_id, contact_id, score, comment, created_at, channel, attributes, horizon)
    FROM STDIN (FORMAT binary)";

/// The signature, flags and header-extension length that open every binary COPY stream.
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// The columns of [`COPY_RESPONSES`].
const COLUMNS: i16 = 10;

/// One response, as its columns.
pub(crate) struct ResponseColumns<'a> {
    pub(crate) id: i64,
    pub(crate) workspace_id: i64,
    pub(crate) survey_id: i64,
    pub(crate) contact_id: i64,
    pub(crate) score: i16,
    pub(crate) comment: Option<&'a str>,
    pub(crate) created_at: i64,
    pub(crate) channel: &'a str,
    pub(crate) attributes: &'a str,
    pub(crate) horizon: u64,
}

/// Encodes responses into a buffer that is sent in chunks.
pub(crate) struct ResponseEncoder {
    buffer: BytesMut,
}

impl ResponseEncoder {
    /// A stream with its header written.
    pub(crate) fn new(capacity: usize) -> ResponseEncoder {
        let mut buffer = BytesMut::with_capacity(capacity.max(HEADER.len() + 2));
        buffer.put_slice(HEADER);
        ResponseEncoder { buffer }
    }

    /// Appends one row.
    pub(crate) fn row(&mut self, row: &ResponseColumns<'_>) -> StoreResult<()> {
        let buffer = &mut self.buffer;
        buffer.put_i16(COLUMNS);
        for number in [row.id, row.workspace_id, row.survey_id, row.contact_id] {
            buffer.put_i32(8);
            buffer.put_i64(number);
        }
        buffer.put_i32(2);
        buffer.put_i16(row.score);
        match row.comment {
            Some(comment) => put_text(buffer, comment)?,
            None => buffer.put_i32(-1),
        }
        buffer.put_i32(8);
        buffer.put_i64(row.created_at);
        put_text(buffer, row.channel)?;
        put_text(buffer, row.attributes)?;
        buffer.put_i32(8);
        buffer.put_u64(row.horizon);
        Ok(())
    }

    /// Appends the end-of-data marker.
    pub(crate) fn finish(&mut self) {
        self.buffer.put_i16(-1);
    }

    /// How many bytes are waiting to be sent.
    pub(crate) fn len(&self) -> usize {
        self.buffer.len()
    }

    /// The bytes written so far, leaving the buffer empty (and its spare capacity for reuse).
    pub(crate) fn take(&mut self) -> bytes::Bytes {
        self.buffer.split().freeze()
    }
}

fn put_text(buffer: &mut BytesMut, text: &str) -> StoreResult<()> {
    let length = i32::try_from(text.len()).map_err(|_| {
        other(format!(
            "a text of {} bytes is too long to store",
            text.len()
        ))
    })?;
    buffer.put_i32(length);
    buffer.put_slice(text.as_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_a_field_count_then_length_prefixed_fields() {
        let mut encoder = ResponseEncoder::new(0);
        encoder
            .row(&ResponseColumns {
                id: 1,
                workspace_id: 2,
                survey_id: 3,
                contact_id: 4,
                score: 9,
                comment: None,
                created_at: 5,
                channel: "api",
                attributes: "{}",
                horizon: 6,
            })
            .unwrap();
        encoder.finish();
        let bytes = encoder.take();
        assert_eq!(&bytes[..HEADER.len()], HEADER);
        let row = &bytes[HEADER.len()..];
        assert_eq!(&row[..2], &10i16.to_be_bytes());
        // 4 ids, a score, a NULL comment, a time, two texts, a horizon, then the trailer.
        let expected = 2 + 4 * 12 + 6 + 4 + 12 + (4 + 3) + (4 + 2) + 12 + 2;
        assert_eq!(row.len(), expected);
        assert_eq!(&row[row.len() - 2..], &(-1i16).to_be_bytes());
    }
}
