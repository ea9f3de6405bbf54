//! Sending email over SMTP: a pool of connections and the classification of failures into
//! bounces (the server refuses the recipient for good) and failures worth retrying.
//!
//! `smtp://` servers (plain, or upgraded with STARTTLS) are reached through connections this
//! module opens and pools itself, with `TCP_NODELAY` set: lettre writes a message's closing
//! `.` apart from its body, and with Nagle's algorithm that small write waits for the server's
//! delayed ACK — about 40 ms per message, which capped one connection at ~20 emails/s.
//! `smtps://` (TLS from the first byte) goes through lettre's own pooled transport.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use lettre::message::Mailbox;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::JobError;

/// How long one SMTP exchange may take before it counts as failed (and is retried).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);
/// Pooled connections unused for longer than this are closed rather than reused (servers drop
/// idle clients after a while).
const IDLE_TIMEOUT: Duration = Duration::from_secs(50);

/// A pool of SMTP connections to one server.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// The URL without its password, for logs.
    display: String,
}

enum Transport {
    /// `smtp://`: our own pool of `TCP_NODELAY` connections.
    Plain(PlainPool),
    /// `smtps://`: lettre's pooled transport.
    Lettre(AsyncSmtpTransport<Tokio1Executor>),
}

/// Where and how to connect for `smtp://`.
struct PlainPool {
    host: String,
    port: u16,
    starttls: StartTls,
    credentials: Option<Credentials>,
    hello: ClientId,
    max_idle: usize,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StartTls {
    Never,
    Required,
    Opportunistic,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &self.display)
            .field("from", &self.from.to_string())
            .finish()
    }
}

/// What a failed send came to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The server refused the recipient (or the message to them) for good: a bounce.
    #[error("{0}")]
    Bounce(String),
    /// Anything a retry may cure: the server is down, slow, or answered 4xx, or refused for a
    /// reason of ours (authentication, our own address) that a fixed setting will cure.
    #[error("{0}")]
    Retry(String),
}

impl Mailer {
    /// A mailer for `smtp://host:port`, `smtp://user:pass@host:port?tls=starttls` (also
    /// `tls=required`, or `tls=opportunistic`) or `smtps://user:pass@host:465`, sending as
    /// `from`, with up to `connections` connections kept open. Call it within a Tokio
    /// runtime: the pool lives on it.
    pub fn from_url(url: &str, from: &str, connections: usize) -> Result<Mailer, JobError> {
        let from: Mailbox = from
            .parse()
            .map_err(|error| JobError::Config(format!("smtp_from {from:?}: {error}")))?;
        let display = redact(url);
        let bad = |reason: String| JobError::Config(format!("smtp_url {display}: {reason}"));
        let transport = if url.starts_with("smtp://") {
            Transport::Plain(PlainPool::parse(url, connections).map_err(bad)?)
        } else {
            let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map_err(|error| bad(error.to_string()))?;
            let pool = PoolConfig::new()
                .max_size(connections.clamp(1, 256) as u32)
                .idle_timeout(IDLE_TIMEOUT);
            Transport::Lettre(
                builder
                    .timeout(Some(SMTP_TIMEOUT))
                    .pool_config(pool)
                    .build(),
            )
        };
        Ok(Mailer {
            transport,
            from,
            display,
        })
    }

    /// The sender.
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// Sends one message.
    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match &self.transport {
            Transport::Plain(pool) => pool.send(&message).await,
            Transport::Lettre(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|error| classify(&error)),
        }
    }
}

impl PlainPool {
    /// Reads `smtp://[user[:password]@]host[:port][/ehlo-name][?tls=starttls|required|opportunistic]`.
    fn parse(url: &str, connections: usize) -> Result<PlainPool, String> {
        let rest = url.strip_prefix("smtp://").ok_or("not an smtp:// URL")?;
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((userinfo, hostport)) => (Some(userinfo), hostport),
            None => (None, authority),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || hostport.starts_with('[') => {
                let port = port
                    .parse::<u16>()
                    .map_err(|_| format!("invalid port {port:?}"))?;
                (host, port)
            }
            _ => (hostport, 25),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err("no host".into());
        }
        let mut starttls = StartTls::Never;
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            match pair.split_once('=') {
                Some(("tls", "starttls" | "required")) => starttls = StartTls::Required,
                Some(("tls", "opportunistic")) => starttls = StartTls::Opportunistic,
                Some(("tls", "none")) => starttls = StartTls::Never,
                _ => {
                    return Err(format!(
                        "unknown parameter {pair:?} (tls=starttls|opportunistic)"
                    ));
                }
            }
        }
        let credentials = match userinfo {
            None => None,
            Some(userinfo) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                Some(Credentials::new(
                    percent_decode(user)?,
                    percent_decode(password)?,
                ))
            }
        };
        let path = path.trim_matches('/');
        let hello = if path.is_empty() {
            ClientId::default()
        } else {
            ClientId::Domain(path.to_owned())
        };
        Ok(PlainPool {
            host: host.to_owned(),
            port,
            starttls,
            credentials,
            hello,
            max_idle: connections.clamp(1, 256),
            idle: Mutex::new(Vec::new()),
        })
    }

    async fn send(&self, message: &Message) -> Result<(), SendError> {
        let body = message.formatted();
        // A pooled connection the server has meanwhile closed fails at once: then one more try
        // on a fresh connection.
        if let Some(mut connection) = self.take_idle() {
            match self.send_on(&mut connection, message, &body).await {
                Ok(()) => {
                    self.put_back(connection);
                    return Ok(());
                }
                Err(Failure::Smtp(error)) if error.is_permanent() || error.is_transient() => {
                    return Err(classify(&error));
                }
                Err(_) => {}
            }
        }
        let mut connection = self.connect().await.map_err(Failure::into_send_error)?;
        self.send_on(&mut connection, message, &body)
            .await
            .map_err(Failure::into_send_error)?;
        self.put_back(connection);
        Ok(())
    }

    async fn send_on(
        &self,
        connection: &mut AsyncSmtpConnection,
        message: &Message,
        body: &[u8],
    ) -> Result<(), Failure> {
        let sending = connection.send(message.envelope(), body);
        match tokio::time::timeout(SMTP_TIMEOUT, sending).await {
            Ok(sent) => sent.map(|_| ()).map_err(Failure::Smtp),
            Err(_) => {
                connection.abort().await;
                Err(Failure::TimedOut)
            }
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, Failure> {
        let connecting = async {
            let stream = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
                .await
                .map_err(|error| {
                    Failure::Connect(format!(
                        "cannot connect to {}:{}: {error}",
                        self.host, self.port
                    ))
                })?;
            stream.set_nodelay(true).ok();
            let mut connection =
                AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello)
                    .await
                    .map_err(Failure::Smtp)?;
            let upgrade = match self.starttls {
                StartTls::Never => false,
                StartTls::Required => true,
                StartTls::Opportunistic => connection.can_starttls(),
            };
            if upgrade {
                let parameters = TlsParameters::new(self.host.clone()).map_err(Failure::Smtp)?;
                connection
                    .starttls(parameters, &self.hello)
                    .await
                    .map_err(Failure::Smtp)?;
            }
            if let Some(credentials) = &self.credentials {
                connection
                    .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                    .await
                    .map_err(Failure::Smtp)?;
            }
            Ok(connection)
        };
        match tokio::time::timeout(SMTP_TIMEOUT, connecting).await {
            Ok(connected) => connected,
            Err(_) => Err(Failure::TimedOut),
        }
    }

    fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        while let Some((connection, since)) = idle.pop() {
            if !connection.has_broken() && since.elapsed() < IDLE_TIMEOUT {
                return Some(connection);
            }
        }
        None
    }

    fn put_back(&self, connection: AsyncSmtpConnection) {
        if connection.has_broken() {
            return;
        }
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if idle.len() < self.max_idle {
            idle.push((connection, Instant::now()));
        }
    }
}

/// Why a send on the pool's own connections failed.
enum Failure {
    /// The SMTP exchange failed (a refusal, or the connection broke).
    Smtp(lettre::transport::smtp::Error),
    /// The server could not be reached.
    Connect(String),
    /// The server did not answer within [`SMTP_TIMEOUT`].
    TimedOut,
}

impl Failure {
    fn into_send_error(self) -> SendError {
        match self {
            Failure::Smtp(error) => classify(&error),
            Failure::Connect(message) => SendError::Retry(format!("SMTP: {message}")),
            Failure::TimedOut => SendError::Retry(format!(
                "SMTP: the server did not answer within {} s",
                SMTP_TIMEOUT.as_secs()
            )),
        }
    }
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .ok_or("a bad %-escape in the user or password")?;
            let byte = u8::from_str_radix(hex, 16)
                .map_err(|_| "a bad %-escape in the user or password".to_owned())?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the user or password is not UTF-8".to_owned())
}

/// A bounce is a permanent (5xx) refusal about the recipient or the message; every other
/// failure is retried. Permanent refusals that are about us rather than the recipient —
/// authentication (530, 534, 535, 538) or commands the server does not take (500–504) — are
/// retried too, so that a wrong setting does not suppress every address it touches.
fn classify(error: &lettre::transport::smtp::Error) -> SendError {
    let message = format!("SMTP: {error}");
    if !error.is_permanent() {
        return SendError::Retry(message);
    }
    let code = error.status().map(u16::from).unwrap_or(0);
    if is_recipient_refusal(code) {
        SendError::Bounce(message)
    } else {
        SendError::Retry(message)
    }
}

/// 550 mailbox unavailable, 551 user not local, 552 storage exceeded, 553 mailbox name not
/// allowed, 554 transaction failed, 521/556 domain does not accept mail.
fn is_recipient_refusal(code: u16) -> bool {
    matches!(code, 521 | 550..=554 | 556)
}

/// The URL with its password replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn urls_of_every_form_are_accepted() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp://user:pass@mail.example.com:587?tls=starttls",
            "smtp://user:pass@mail.example.com:587?tls=required",
            "smtps://user:pass@mail.example.com:465",
        ] {
            Mailer::from_url(url, "Acme <nps@acme.example>", 4).unwrap();
        }
    }

    #[tokio::test]
    async fn bad_settings_are_named() {
        let error = Mailer::from_url("http://x", "a@b.example", 1).unwrap_err();
        assert!(
            error.to_string().starts_with("smtp_url http://x"),
            "{error}"
        );
        let error = Mailer::from_url("smtp://127.0.0.1:25", "not an address", 1).unwrap_err();
        assert!(error.to_string().starts_with("smtp_from"), "{error}");
    }

    #[tokio::test]
    async fn smtp_urls_are_read_into_their_parts() {
        let pool = PlainPool::parse(
            "smtp://us%40er:p%3Ass@mail.example.com:587/relay.example?tls=starttls",
            4,
        )
        .unwrap();
        assert_eq!((pool.host.as_str(), pool.port), ("mail.example.com", 587));
        assert_eq!(pool.starttls, StartTls::Required);
        assert!(pool.credentials.is_some());
        assert_eq!(pool.hello, ClientId::Domain("relay.example".into()));
        let pool = PlainPool::parse("smtp://127.0.0.1:2525", 4).unwrap();
        assert_eq!(
            (pool.host.as_str(), pool.port, pool.starttls),
            ("127.0.0.1", 2525, StartTls::Never)
        );
        assert_eq!(PlainPool::parse("smtp://localhost", 1).unwrap().port, 25);
        assert!(PlainPool::parse("smtp://host:port", 1).is_err());
        assert!(PlainPool::parse("smtp://host?tls=maybe", 1).is_err());
        assert!(PlainPool::parse("smtp://:25", 1).is_err());
    }

    #[tokio::test]
    async fn passwords_are_not_shown() {
        assert_eq!(
            redact("smtps://user:secret@host:465"),
            "smtps://user:***@host:465"
        );
        assert_eq!(redact("smtp://127.0.0.1:25"), "smtp://127.0.0.1:25");
        let mailer = Mailer::from_url("smtps://u:secret@host:465", "a@b.example", 1).unwrap();
        assert!(!format!("{mailer:?}").contains("secret"));
    }

    #[test]
    fn only_refusals_of_the_recipient_bounce() {
        assert!(is_recipient_refusal(550));
        assert!(is_recipient_refusal(553));
        assert!(!is_recipient_refusal(535));
        assert!(!is_recipient_refusal(503));
    }
}
