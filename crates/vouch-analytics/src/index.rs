//! The columnar index: one row per response, in id order, as compact columns.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashSet};
use jiff::tz::TimeZone;
use roaring::RoaringBitmap;
use vouch_core::period::day_of_timestamp;
use vouch_core::{AttributeKind, AttributeValue, SurveyKind, text};
use vouch_insight::sentiment::SentimentLabel;
use vouch_store::{ContactId, Deletion, ResponseId, StoredResponse, SurveyId};

use crate::column::AttributeColumn;
use crate::sentiment::sentiment_of_words;

/// Rows per chunk: the unit of parallel work and of the per-chunk summaries that let whole
/// chunks be skipped (outside the day range) or counted without a scan (nothing filtered).
pub(crate) const CHUNK_ROWS: usize = 1 << 16;

/// What a chunk of rows holds, kept up to date on every append and deletion.
#[derive(Debug, Clone)]
pub(crate) struct ChunkSummary {
    pub(crate) min_day: i32,
    pub(crate) max_day: i32,
    /// The latest answer time of the chunk's rows (milliseconds since the epoch): listings
    /// newest first read the chunks in this order and stop early.
    pub(crate) max_ms: i64,
    /// The earliest answer time of the chunk's rows.
    pub(crate) min_ms: i64,
    /// Scores of the chunk's live (not deleted) rows.
    pub(crate) histogram: [u32; 11],
    /// How many rows of the chunk are deleted.
    pub(crate) deleted: u32,
    /// Scores of live rows per (survey code, day): enough to answer the commonest dashboard
    /// queries (a survey, whole days, a trend) without reading the chunk's rows.
    pub(crate) cells: BTreeMap<(u32, i32), [u32; 11]>,
}

impl ChunkSummary {
    fn empty() -> ChunkSummary {
        ChunkSummary {
            min_day: i32::MAX,
            max_day: i32::MIN,
            max_ms: i64::MIN,
            min_ms: i64::MAX,
            histogram: [0; 11],
            deleted: 0,
            cells: BTreeMap::new(),
        }
    }
}

/// The key two consecutive folded words are indexed under for phrase search.
pub(crate) fn pair_key(first: &str, second: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x766f_7563_6870_6872).hash_one((first, second))
}

/// How many comments of a selection are positive, negative, neutral or mixed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SentimentMix {
    /// Positive comments.
    pub positive: u64,
    /// Negative comments.
    pub negative: u64,
    /// Comments with no clear feeling.
    pub neutral: u64,
    /// Comments both positive and negative.
    pub mixed: u64,
}

impl SentimentMix {
    /// The code a row keeps for a comment of this sentiment (0 is "no comment").
    pub(crate) fn code(label: SentimentLabel) -> u8 {
        match label {
            SentimentLabel::Positive => 1,
            SentimentLabel::Negative => 2,
            SentimentLabel::Neutral => 3,
            SentimentLabel::Mixed => 4,
        }
    }

    fn add(&mut self, code: u8) {
        match code {
            1 => self.positive += 1,
            2 => self.negative += 1,
            3 => self.neutral += 1,
            4 => self.mixed += 1,
            _ => {}
        }
    }
}

/// All responses of one workspace (or one survey of it), held as columns.
#[derive(Debug)]
pub struct ResponseIndex {
    time_zone: TimeZone,
    pub(crate) ids: Vec<i64>,
    pub(crate) scores: Vec<u8>,
    pub(crate) days: Vec<i32>,
    pub(crate) created_ms: Vec<i64>,
    pub(crate) surveys: Vec<u32>,
    pub(crate) survey_codes: HashMap<SurveyId, u32>,
    /// Who answered each row, as a code into `contact_ids` (codes are dense, so per-contact
    /// figures count into plain vectors).
    pub(crate) contacts: Vec<u32>,
    /// Contact ids by code, in order of first answer.
    pub(crate) contact_ids: Vec<ContactId>,
    contact_codes: HashMap<ContactId, u32>,
    /// The surveys declared anonymous (eNPS): every report and listing touching one of them
    /// follows the anonymity rules.
    pub(crate) anonymous_surveys: HashSet<SurveyId>,
    /// How many rows of each (survey code, attribute column) carry a value.
    carried: HashMap<(u32, usize), u64>,
    /// The channel of each row, as a code into `channel_names`.
    pub(crate) channels: Vec<u8>,
    /// Channel names by code, in order of first appearance.
    pub(crate) channel_names: Vec<String>,
    pub(crate) attributes: Vec<AttributeColumn>,
    pub(crate) attribute_by_name: HashMap<String, usize>,
    pub(crate) words: HashMap<String, RoaringBitmap>,
    /// The rows whose comment holds two words in a row, by [`pair_key`] of the two: what
    /// phrases are searched with.
    pub(crate) pairs: HashMap<u64, RoaringBitmap>,
    /// The column of each attribute of the last response appended, in its order: responses
    /// mostly carry the same attributes, so this spares a hash lookup per value.
    recent_columns: Vec<(String, usize)>,
    /// The folded words of the comment being indexed (only the first `comment_len` count),
    /// kept between comments so that their strings are reused.
    comment_words: Vec<String>,
    comment_len: usize,
    /// The sentiment of each row's comment (see [`SentimentMix::code`]; 0 without a comment).
    pub(crate) sentiments: Vec<u8>,
    pub(crate) deleted: RoaringBitmap,
    pub(crate) chunks: Vec<ChunkSummary>,
    last_deletion: i64,
}

/// Sizes of the index, for metrics and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexStats {
    /// Rows held, deleted ones included.
    pub rows: usize,
    /// Rows deleted since the index was built.
    pub deleted_rows: u64,
    /// Distinct words in the comment index.
    pub words: usize,
    /// Rows with a comment.
    pub comments: u64,
    /// Approximate heap bytes held.
    pub heap_bytes: usize,
}

impl ResponseIndex {
    /// An empty index whose days are counted in `time_zone`.
    pub fn new(time_zone: TimeZone) -> ResponseIndex {
        ResponseIndex {
            time_zone,
            ids: Vec::new(),
            scores: Vec::new(),
            days: Vec::new(),
            created_ms: Vec::new(),
            surveys: Vec::new(),
            survey_codes: HashMap::default(),
            contacts: Vec::new(),
            contact_ids: Vec::new(),
            contact_codes: HashMap::default(),
            anonymous_surveys: HashSet::default(),
            carried: HashMap::default(),
            channels: Vec::new(),
            channel_names: Vec::new(),
            attributes: Vec::new(),
            attribute_by_name: HashMap::default(),
            words: HashMap::default(),
            pairs: HashMap::default(),
            recent_columns: Vec::new(),
            comment_words: Vec::new(),
            comment_len: 0,
            sentiments: Vec::new(),
            deleted: RoaringBitmap::new(),
            chunks: Vec::new(),
            last_deletion: 0,
        }
    }

    /// The time zone days are counted in.
    pub fn time_zone(&self) -> &TimeZone {
        &self.time_zone
    }

    /// The largest response id held (0 when empty): the index has every response up to it.
    pub fn last_response_id(&self) -> ResponseId {
        ResponseId(self.ids.last().copied().unwrap_or(0))
    }

    /// The sequence number of the last deletion applied.
    pub fn last_deletion(&self) -> i64 {
        self.last_deletion
    }

    /// Rows held, deleted ones included.
    pub fn row_count(&self) -> usize {
        self.ids.len()
    }

    /// Live responses held.
    pub fn live_count(&self) -> u64 {
        self.ids.len() as u64 - self.deleted.len()
    }

    /// Declares a survey's kind. The index learns kinds from the store when it catches up
    /// ([`crate::sync::catch_up`]); an index fed by hand must declare its eNPS surveys, or
    /// their answers are reported like customer answers.
    pub fn define_survey(&mut self, survey: SurveyId, kind: SurveyKind) {
        if kind.is_anonymous() {
            self.anonymous_surveys.insert(survey);
        } else {
            self.anonymous_surveys.remove(&survey);
        }
    }

    /// True when `survey` was declared anonymous (eNPS).
    pub fn is_anonymous(&self, survey: SurveyId) -> bool {
        self.anonymous_surveys.contains(&survey)
    }

    /// The text or yes/no attribute that most answers to `survey` carry (ties: by name): the
    /// natural first breakdown of its overview. Numbers and dates are left out (one group per
    /// value says little). `None` when its answers carry no such attribute.
    pub fn most_carried_attribute(&self, survey: SurveyId) -> Option<&str> {
        self.carried_attributes(&[survey])
            .into_iter()
            .find(|(_, kind, _)| matches!(kind, AttributeKind::String | AttributeKind::Boolean))
            .map(|(name, _, _)| name)
    }

    /// The attributes the surveys' answers carry, with their kind and how many answers carry
    /// each, the most carried first (then by name).
    pub fn carried_attributes(&self, surveys: &[SurveyId]) -> Vec<(&str, AttributeKind, u64)> {
        let codes: Vec<u32> = surveys
            .iter()
            .filter_map(|survey| self.survey_codes.get(survey).copied())
            .collect();
        let mut carried: Vec<(&str, AttributeKind, u64)> = self
            .attribute_by_name
            .iter()
            .filter_map(|(name, column)| {
                let count: u64 = codes
                    .iter()
                    .filter_map(|code| self.carried.get(&(*code, *column)))
                    .sum();
                (count > 0).then(|| (name.as_str(), self.attributes[*column].kind, count))
            })
            .collect();
        carried.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(b.0)));
        carried
    }

    /// The surveys that have rows in the index, in no particular order.
    pub fn survey_ids(&self) -> Vec<SurveyId> {
        self.survey_codes.keys().copied().collect()
    }

    /// Declares an attribute's kind before any row carries it, so that filters on it read
    /// values as that kind even while no response has it yet.
    pub fn define_attribute(&mut self, name: &str, kind: AttributeKind) {
        self.column_index(name, kind);
    }

    /// Adds responses. Responses already held (id not above [`Self::last_response_id`]) are
    /// skipped, so re-reading an overlapping page is harmless.
    pub fn append(&mut self, responses: &[StoredResponse]) {
        for response in responses {
            if response.id <= self.last_response_id() {
                continue;
            }
            self.append_one(response);
        }
    }

    fn append_one(&mut self, response: &StoredResponse) {
        let row = self.ids.len();
        let day = day_of_timestamp(response.created_at, &self.time_zone);
        let score = response.score.value();
        let next_code = self.survey_codes.len() as u32;
        let survey_code = *self
            .survey_codes
            .entry(response.survey)
            .or_insert(next_code);
        self.ids.push(response.id.0);
        self.scores.push(score);
        self.days.push(day);
        self.created_ms.push(response.created_at.as_millisecond());
        self.surveys.push(survey_code);
        let next_contact = self.contact_ids.len() as u32;
        let contact_code = *self
            .contact_codes
            .entry(response.contact)
            .or_insert(next_contact);
        if contact_code == next_contact {
            self.contact_ids.push(response.contact);
        }
        self.contacts.push(contact_code);
        let channel_code = self.channel_code(&response.channel);
        self.channels.push(channel_code);
        for column in &mut self.attributes {
            column.codes.push(0);
        }
        for (position, (name, value)) in response.attributes.iter().enumerate() {
            let column = match self.recent_columns.get(position) {
                Some((recent, column)) if recent == name => *column,
                _ => {
                    let column = self.column_index(name, value.kind());
                    self.recent_columns.truncate(position);
                    self.recent_columns.push((name.clone(), column));
                    column
                }
            };
            let attribute = &mut self.attributes[column];
            let code = if attribute.kind == value.kind() {
                attribute.code_for(value)
            } else if attribute.kind == AttributeKind::String {
                // A text attribute given a number or date keeps it as its text.
                attribute.code_for(&AttributeValue::String(value.canonical()))
            } else {
                0
            };
            attribute.codes[row] = code;
            if code != 0 {
                *self.carried.entry((survey_code, column)).or_default() += 1;
            }
        }
        let sentiment = match &response.comment {
            Some(comment) => {
                self.index_words(row as u32, comment);
                let words = &self.comment_words[..self.comment_len];
                SentimentMix::code(sentiment_of_words(words, comment, &response.attributes).label)
            }
            None => 0,
        };
        self.sentiments.push(sentiment);
        if row.is_multiple_of(CHUNK_ROWS) {
            self.chunks.push(ChunkSummary::empty());
        }
        let chunk = self
            .chunks
            .last_mut()
            .expect("a chunk was pushed for the first row");
        chunk.min_day = chunk.min_day.min(day);
        chunk.max_day = chunk.max_day.max(day);
        let answered_ms = response.created_at.as_millisecond();
        chunk.max_ms = chunk.max_ms.max(answered_ms);
        chunk.min_ms = chunk.min_ms.min(answered_ms);
        chunk.histogram[usize::from(score)] += 1;
        chunk.cells.entry((survey_code, day)).or_insert([0; 11])[usize::from(score)] += 1;
    }

    /// The code of a channel, given one on first sight. Channels are few (a handful of
    /// kinds); past 255 distinct names, further ones share the last code.
    fn channel_code(&mut self, channel: &str) -> u8 {
        if let Some(code) = self.channel_names.iter().position(|name| name == channel) {
            return code as u8;
        }
        if self.channel_names.len() > usize::from(u8::MAX) {
            return u8::MAX;
        }
        self.channel_names.push(channel.to_owned());
        (self.channel_names.len() - 1) as u8
    }

    fn column_index(&mut self, name: &str, kind: AttributeKind) -> usize {
        if let Some(&index) = self.attribute_by_name.get(name) {
            return index;
        }
        let index = self.attributes.len();
        self.attributes
            .push(AttributeColumn::new(kind, self.ids.len()));
        self.attribute_by_name.insert(name.to_owned(), index);
        index
    }

    fn index_words(&mut self, row: u32, comment: &str) {
        self.comment_len = 0;
        for slice in text::word_slices(comment) {
            if self.comment_len == self.comment_words.len() {
                self.comment_words.push(String::new());
            }
            let word = &mut self.comment_words[self.comment_len];
            word.clear();
            text::push_folded(word, slice);
            self.comment_len += 1;
            if self.comment_len > 1 {
                let (before, last) = self.comment_words.split_at(self.comment_len - 1);
                let key = pair_key(&before[before.len() - 1], &last[0]);
                let _ = self.pairs.entry(key).or_default().try_push(row);
            }
            let word = &self.comment_words[self.comment_len - 1];
            match self.words.get_mut(word.as_str()) {
                // Rows arrive in order, so a word seen twice in one comment is already last:
                // `try_push` refuses a row that is not above the last one.
                Some(rows) => {
                    let _ = rows.try_push(row);
                }
                None => {
                    self.words
                        .insert(word.clone(), RoaringBitmap::from_iter([row]));
                }
            }
        }
    }

    /// How the comments of these rows that the plan selects feel.
    pub fn sentiment_mix(
        &self,
        plan: &crate::query::QueryPlan,
        rows: &RoaringBitmap,
    ) -> SentimentMix {
        let mut mix = SentimentMix::default();
        for row in rows.iter().map(|row| row as usize) {
            if row < self.sentiments.len() && self.selects(plan, row) {
                mix.add(self.sentiments[row]);
            }
        }
        mix
    }

    /// The rows holding these responses (ids the index does not hold are left out).
    pub fn rows_of_ids(&self, ids: &[ResponseId]) -> RoaringBitmap {
        let mut rows: Vec<u32> = ids
            .iter()
            .filter_map(|id| self.row_of(*id))
            .map(|row| row as u32)
            .collect();
        rows.sort_unstable();
        RoaringBitmap::from_sorted_iter(rows).unwrap_or_default()
    }

    /// The rows answering a survey.
    pub fn rows_of_survey(&self, survey: SurveyId) -> RoaringBitmap {
        let Some(&code) = self.survey_codes.get(&survey) else {
            return RoaringBitmap::new();
        };
        let rows = self
            .surveys
            .iter()
            .enumerate()
            .filter(|(_, row_survey)| **row_survey == code)
            .map(|(row, _)| row as u32);
        RoaringBitmap::from_sorted_iter(rows).unwrap_or_default()
    }

    /// Every distinct folded word of the comments with the rows whose comment holds it.
    pub fn word_rows(&self) -> impl Iterator<Item = (&str, &RoaringBitmap)> {
        self.words.iter().map(|(word, rows)| (word.as_str(), rows))
    }

    /// Forgets erased responses. Deletions of responses the index never held are skipped.
    pub fn apply_deletions(&mut self, deletions: &[Deletion]) {
        for deletion in deletions {
            self.last_deletion = self.last_deletion.max(deletion.sequence);
            let Ok(row) = self.ids.binary_search(&deletion.response.0) else {
                continue;
            };
            if self.deleted.insert(row as u32) {
                let chunk = &mut self.chunks[row / CHUNK_ROWS];
                let score = usize::from(self.scores[row]);
                chunk.histogram[score] -= 1;
                chunk.deleted += 1;
                if let Some(cell) = chunk.cells.get_mut(&(self.surveys[row], self.days[row])) {
                    cell[score] -= 1;
                }
            }
        }
    }

    /// Sizes of the index.
    pub fn stats(&self) -> IndexStats {
        let cells: usize = self.chunks.iter().map(|chunk| chunk.cells.len() * 64).sum();
        let columns = cells
            + self.ids.capacity() * 8
            + self.scores.capacity()
            + self.days.capacity() * 4
            + self.created_ms.capacity() * 8
            + self.surveys.capacity() * 4
            + self.contacts.capacity() * 4
            + self.contact_ids.capacity() * 8
            + self.contact_codes.len() * 16
            + self.channels.capacity();
        let attributes: usize = self
            .attributes
            .iter()
            .map(AttributeColumn::heap_bytes)
            .sum();
        let words: usize = self
            .words
            .iter()
            .map(|(word, rows)| word.len() + 48 + rows.serialized_size())
            .sum();
        IndexStats {
            rows: self.ids.len(),
            deleted_rows: self.deleted.len(),
            words: self.words.len(),
            comments: self.sentiments.iter().filter(|code| **code != 0).count() as u64,
            heap_bytes: columns + attributes + words + self.deleted.serialized_size(),
        }
    }
}
