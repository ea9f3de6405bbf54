//! Where an export is written: standard output, or a file written beside its final name and
//! renamed into place once complete, so that a reader never sees half an export.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::TempPath;

use crate::sink::Format;
use crate::{ExportError, ExportResult};

/// The output asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Standard output (`--output -`, or no `--output`).
    Stdout,
    /// A file.
    File(PathBuf),
}

impl Destination {
    /// The destination of `--output`: none or `-` is standard output.
    pub fn of(output: Option<&Path>) -> Destination {
        match output {
            None => Destination::Stdout,
            Some(path) if path.as_os_str() == "-" => Destination::Stdout,
            Some(path) => Destination::File(path.to_owned()),
        }
    }

    /// Opens it for `format`: Parquet needs a file; a file's folder must exist.
    pub fn open(&self, format: Format) -> ExportResult<Output> {
        match self {
            Destination::Stdout if !format.streams() => Err(ExportError::invalid(
                "output",
                "Parquet is written to a file: give --output FILE.parquet",
            )),
            Destination::Stdout => Ok(Output {
                writer: Some(Box::new(std::io::stdout())),
                pending: None,
            }),
            Destination::File(path) => {
                let folder = match path.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent,
                    _ => Path::new("."),
                };
                if !folder.is_dir() {
                    return Err(ExportError::invalid(
                        "output",
                        format!("{}: no such folder", folder.display()),
                    ));
                }
                let (file, temp) = tempfile::Builder::new()
                    .prefix(".vouch-export-")
                    .tempfile_in(folder)?
                    .into_parts();
                Ok(Output {
                    writer: Some(Box::new(std::io::BufWriter::with_capacity(1 << 16, file))),
                    pending: Some((temp, path.clone())),
                })
            }
        }
    }
}

/// An opened destination: take its writer, write, then [`Output::commit`] what the sink gives
/// back. Dropped without commit, a file destination leaves nothing behind.
pub struct Output {
    writer: Option<Box<dyn Write + Send>>,
    pending: Option<(TempPath, PathBuf)>,
}

impl Output {
    /// The stream to write to (once).
    pub fn take_writer(&mut self) -> Box<dyn Write + Send> {
        self.writer
            .take()
            .unwrap_or_else(|| Box::new(std::io::sink()))
    }

    /// Flushes the finished stream and renames a file into place.
    pub fn commit(self, mut writer: Box<dyn Write + Send>) -> ExportResult<()> {
        writer.flush()?;
        drop(writer);
        if let Some((temp, path)) = self.pending {
            temp.persist(&path).map_err(|error| error.error)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_appears_only_once_committed_and_parquet_needs_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let destination = Destination::of(Some(&path));
        let mut output = destination.open(Format::Csv).unwrap();
        let mut writer = output.take_writer();
        writer.write_all(b"id\n1\n").unwrap();
        assert!(!path.exists(), "nothing at the name before the commit");
        output.commit(writer).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "id\n1\n");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );

        let abandoned = dir.path().join("abandoned.csv");
        let mut output = Destination::of(Some(&abandoned)).open(Format::Csv).unwrap();
        output.take_writer().write_all(b"half").unwrap();
        drop(output);
        assert!(!abandoned.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        assert_eq!(Destination::of(Some(Path::new("-"))), Destination::Stdout);
        let refused = Destination::Stdout.open(Format::Parquet).err().unwrap();
        assert!(matches!(
            refused,
            ExportError::Invalid {
                field: "output",
                ..
            }
        ));
        let nowhere = Destination::of(Some(&dir.path().join("no/such/out.csv")));
        assert!(matches!(
            nowhere.open(Format::Csv).err().unwrap(),
            ExportError::Invalid {
                field: "output",
                ..
            }
        ));
    }
}
