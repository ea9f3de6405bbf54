//! A real SMTP server for tests: Debian's aiosmtpd writing every message into a Maildir, and
//! a small reader of the messages it kept.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

const PYTHON: &str = "/usr/bin/python3";
/// The Maildir, inside the server's temporary directory: it must not exist beforehand, or
/// aiosmtpd does not make its `tmp`, `new` and `cur` folders.
const MAILDIR: &str = "mail";

/// A running aiosmtpd on a free loopback port, killed on drop.
pub struct SmtpServer {
    child: Child,
    /// Its port.
    pub port: u16,
    maildir: TempDir,
}

/// Whether aiosmtpd can run here. When it cannot, tests that need it say so and skip, except
/// with `VOUCH_TEST_REQUIRE_ALL=1`, where they fail.
pub fn aiosmtpd_available(test: &str) -> bool {
    let available = Command::new(PYTHON)
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !available {
        crate::missing(test, "aiosmtpd", "apt-get install python3-aiosmtpd");
    }
    available
}

/// A loopback port nothing listens on (at the moment of asking).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

impl SmtpServer {
    /// aiosmtpd's own Maildir handler, as an operator would run it.
    pub fn start() -> SmtpServer {
        SmtpServer::start_on(free_port())
    }

    /// [`SmtpServer::start`] on a given port.
    pub fn start_on(port: u16) -> SmtpServer {
        let maildir = TempDir::new().expect("maildir");
        let child = Command::new(PYTHON)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join(MAILDIR))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        SmtpServer::ready(child, port, maildir)
    }

    /// The fixture server, which answers 550 to a RCPT TO of any of `refused`.
    pub fn start_refusing(refused: &[&str]) -> SmtpServer {
        let maildir = TempDir::new().expect("maildir");
        let port = free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/smtp_server.py");
        let child = Command::new(PYTHON)
            .arg(script)
            .arg(port.to_string())
            .arg(maildir.path().join(MAILDIR))
            .args(refused)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the fixture SMTP server");
        SmtpServer::ready(child, port, maildir)
    }

    fn ready(mut child: Child, port: u16, maildir: TempDir) -> SmtpServer {
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the SMTP server exited at start: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "the SMTP server did not accept connections on port {port} within 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer {
            child,
            port,
            maildir,
        }
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Mail> {
        let new = self.maildir.path().join(MAILDIR).join("new");
        let Ok(entries) = std::fs::read_dir(&new) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = entries.map(|entry| entry.unwrap().path()).collect();
        paths.sort();
        paths
            .iter()
            .map(|path| Mail::parse(&std::fs::read_to_string(path).expect("a message")))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A message as stored: its headers and its decoded parts.
#[derive(Debug)]
pub struct Mail {
    /// Header name (lower case) and unfolded value, in order.
    pub headers: Vec<(String, String)>,
    /// `(content type, decoded body)` of each leaf part.
    pub parts: Vec<(String, String)>,
}

impl Mail {
    fn parse(raw: &str) -> Mail {
        let raw = raw.replace("\r\n", "\n");
        let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
        let headers = parse_headers(head);
        let mut mail = Mail {
            headers,
            parts: Vec::new(),
        };
        let content_type = mail.header("content-type").unwrap_or_default().to_owned();
        collect_parts(
            &content_type,
            &mail.header_owned("content-transfer-encoding"),
            body,
            &mut mail.parts,
        );
        mail
    }

    /// The first header of this name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(header, _)| *header == name)
            .map(|(_, value)| value.as_str())
    }

    fn header_owned(&self, name: &str) -> String {
        self.header(name).unwrap_or_default().to_owned()
    }

    /// The decoded body of the first part of this content type (`text/plain`, `text/html`).
    pub fn part(&self, content_type: &str) -> Option<&str> {
        self.parts
            .iter()
            .find(|(kind, _)| kind.starts_with(content_type))
            .map(|(_, body)| body.as_str())
    }
}

fn parse_headers(head: &str) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    headers
}

fn collect_parts(
    content_type: &str,
    encoding: &str,
    body: &str,
    parts: &mut Vec<(String, String)>,
) {
    if content_type.starts_with("multipart/") {
        let boundary = content_type
            .split(';')
            .find_map(|param| param.trim().strip_prefix("boundary="))
            .expect("a multipart boundary")
            .trim_matches('"');
        let delimiter = format!("--{boundary}");
        for section in body.split(&delimiter).skip(1) {
            if section.starts_with("--") {
                break;
            }
            let section = section.trim_start_matches('\n');
            let (head, part_body) = section.split_once("\n\n").unwrap_or((section, ""));
            let headers = parse_headers(head);
            let get = |name: &str| {
                headers
                    .iter()
                    .find(|(header, _)| header == name)
                    .map(|(_, value)| value.clone())
                    .unwrap_or_default()
            };
            collect_parts(
                &get("content-type"),
                &get("content-transfer-encoding"),
                part_body,
                parts,
            );
        }
        return;
    }
    let decoded = match encoding.to_ascii_lowercase().as_str() {
        "quoted-printable" => decode_quoted_printable(body),
        "base64" => decode_base64(body),
        _ => body.to_owned(),
    };
    parts.push((content_type.to_ascii_lowercase(), decoded));
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8 after quoted-printable")
}

fn decode_base64(text: &str) -> String {
    use base64::Engine as _;
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .expect("base64 body");
    String::from_utf8(bytes).expect("UTF-8 after base64")
}
