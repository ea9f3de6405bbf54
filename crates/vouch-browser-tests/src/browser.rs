//! Headless Chromium through a chromedriver of its own: starting both, screenshots, and the
//! browser's console.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use fantoccini::actions::{InputSource as _, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::sync::{Semaphore, SemaphorePermit};

/// The Chromium binary the tests drive (Debian's `chromium` package).
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The WebDriver server, looked up in `PATH` (Debian's `chromium-driver` package).
pub const CHROMEDRIVER: &str = "chromedriver";

/// How long a test waits for an element, a page or a condition before it fails.
const WAIT: Duration = Duration::from_secs(10);

/// At most this many browsers at once in one test process: each is a handful of Chromium
/// processes, and the machines the tests run on have few cores.
static BROWSERS: Semaphore = Semaphore::const_new(2);

/// The size of the browser's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewport {
    /// A laptop screen, 1280 × 900.
    Desktop,
    /// A phone, 390 × 844 CSS pixels, emulated as a touch device with a mobile user agent
    /// (so a page without `<meta name="viewport">` is laid out 980 pixels wide, as on a phone).
    Phone,
}

impl Viewport {
    /// Width and height in CSS pixels.
    pub fn size(self) -> (u32, u32) {
        match self {
            Viewport::Desktop => (1280, 900),
            Viewport::Phone => (390, 844),
        }
    }

    /// A word for screenshot names.
    pub fn label(self) -> &'static str {
        match self {
            Viewport::Desktop => "desktop",
            Viewport::Phone => "phone",
        }
    }
}

/// How to start a browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrowserOptions {
    /// The window's size.
    pub viewport: Viewport,
    /// Whether pages may run scripts (WebDriver's own scripts still run).
    pub javascript: bool,
}

impl Default for BrowserOptions {
    fn default() -> BrowserOptions {
        BrowserOptions {
            viewport: Viewport::Desktop,
            javascript: true,
        }
    }
}

/// One line of the browser's console, as chromedriver reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleEntry {
    /// `SEVERE`, `WARNING`, `INFO` or `DEBUG`.
    pub level: String,
    /// Where it came from: `javascript` (an uncaught exception), `console-api`
    /// (`console.error` and friends), `network` (a failed load), `security` (a CSP violation)…
    pub source: String,
    /// The text, starting with the URL and position it came from.
    pub message: String,
}

/// What is missing of Chromium and chromedriver: empty when both are installed.
pub fn missing_tools() -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !Path::new(CHROMIUM).is_file() {
        missing.push(CHROMIUM);
    }
    if find_in_path(CHROMEDRIVER).is_none() {
        missing.push(CHROMEDRIVER);
    }
    missing
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Where screenshots go: `browser-screenshots/` in `CARGO_TARGET_DIR` when it is set, else in
/// the workspace's `target/`. Created, and its path printed, on first use.
pub fn screenshot_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace.join(dir),
        _ => workspace.join("target"),
    };
    let dir = target.join("browser-screenshots");
    std::fs::create_dir_all(&dir).expect("create the screenshot folder");
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    static ANNOUNCED: std::sync::Once = std::sync::Once::new();
    ANNOUNCED.call_once(|| {
        // Past the test harness's capture, once per test process.
        let _ = writeln!(std::io::stderr(), "browser screenshots: {}", dir.display());
    });
    dir
}

/// A chromedriver process on a free port, killed by its PID when dropped.
struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    fn spawn() -> anyhow::Result<Chromedriver> {
        let port = free_port()?;
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("start chromedriver")?;
        let mut driver = Chromedriver { child, port };
        let deadline = Instant::now() + WAIT;
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            if let Some(status) = driver.child.try_wait()? {
                anyhow::bail!("chromedriver exited at once ({status})");
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port} within {WAIT:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // `Child::kill` signals this process by its PID, never anything found by name.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free TCP port on the loopback interface, as the system hands one out.
fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("find a free port")?;
    Ok(listener.local_addr()?.port())
}

/// A headless Chromium of its own, driven through a chromedriver of its own.
///
/// Dropping it ends the WebDriver session (which quits Chromium) and kills chromedriver, even
/// when a test panics; [`Browser::close`] does the same politely.
pub struct Browser {
    client: Option<Client>,
    session: String,
    name: String,
    options: BrowserOptions,
    /// Console lines read so far and not yet checked.
    console: Vec<ConsoleEntry>,
    driver: Chromedriver,
    _permit: SemaphorePermit<'static>,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser")
            .field("name", &self.name)
            .field("session", &self.session)
            .field("options", &self.options)
            .field("chromedriver_port", &self.driver.port)
            .finish()
    }
}

impl Browser {
    /// A desktop or phone-size browser with scripts on, for the test `name` (which screenshots
    /// are named after). `None` when Chromium or chromedriver is missing; see [`Browser::open`].
    pub async fn start(name: &str, viewport: Viewport) -> Option<Browser> {
        Browser::open(
            name,
            BrowserOptions {
                viewport,
                ..BrowserOptions::default()
            },
        )
        .await
    }

    /// A browser with these options, for the test `name`.
    ///
    /// When Chromium or chromedriver is not installed, prints `SKIPPED: … not installed` and
    /// returns `None`, or panics when `VOUCH_TEST_REQUIRE_ALL=1`. Panics when they are
    /// installed but do not start.
    pub async fn open(name: &str, options: BrowserOptions) -> Option<Browser> {
        let missing = missing_tools();
        if !missing.is_empty() {
            vouch_test_kit::missing(
                &format!("browser test `{name}`"),
                &missing.join(" and "),
                "Debian: apt-get install chromium chromium-driver",
            );
            return None;
        }
        let permit = BROWSERS
            .acquire()
            .await
            .expect("the browser limit is never closed");
        let driver = Chromedriver::spawn().expect("chromedriver starts");
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities(options))
            .connect(&driver.url())
            .await
            .expect("a WebDriver session in Chromium");
        let session = client
            .session_id()
            .await
            .expect("the session id")
            .expect("a session id");
        Some(Browser {
            client: Some(client),
            session,
            name: name.to_owned(),
            options,
            console: Vec::new(),
            driver,
            _permit: permit,
        })
    }

    /// The WebDriver client, for anything the helpers here do not cover.
    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("the browser is open")
    }

    /// The options it was started with.
    pub fn options(&self) -> BrowserOptions {
        self.options
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&mut self, url: &str) {
        self.client()
            .goto(url)
            .await
            .unwrap_or_else(|error| panic!("open {url}: {error}"));
        self.read_console().await;
    }

    /// The current page's URL.
    pub async fn url(&self) -> String {
        self.client()
            .current_url()
            .await
            .expect("the current URL")
            .to_string()
    }

    /// Waits for an element matching the selector (see [`Browser::find_all`]) to exist, and
    /// returns the first.
    pub async fn wait_for(&self, selector: &str) -> Element {
        crate::eventually(&format!("`{selector}`"), WAIT, || async {
            self.find_all(selector).await.into_iter().next()
        })
        .await
    }

    /// Waits for an element matching the selector to be displayed, and returns it.
    pub async fn wait_for_visible(&self, selector: &str) -> Element {
        crate::eventually(&format!("`{selector}` to be displayed"), WAIT, || async {
            for element in self.find_all(selector).await {
                if element.is_displayed().await.unwrap_or(false) {
                    return Some(element);
                }
            }
            None
        })
        .await
    }

    /// Every element matching the selector, now (possibly none).
    ///
    /// The selector is CSS, or CSS paths joined by ` >>> ` to look inside shadow roots:
    /// `#vouch-widget >>> [role=dialog] button` finds the buttons in the dialog inside the
    /// shadow root of `#vouch-widget`.
    pub async fn find_all(&self, selector: &str) -> Vec<Element> {
        let mut parts = selector.split(" >>> ").map(str::trim);
        let first = parts.next().unwrap_or_default();
        let mut found = self
            .client()
            .find_all(Locator::Css(first))
            .await
            .unwrap_or_else(|error| panic!("find `{first}`: {error}"));
        for part in parts {
            let Some(host) = found.first() else {
                return Vec::new();
            };
            let Ok(root) = host.shadow_root().await else {
                return Vec::new();
            };
            found = match root.find_all(Locator::Css(part)).await {
                Ok(elements) => elements,
                // The host was replaced while looking: as if nothing matched yet.
                Err(_) => return Vec::new(),
            };
        }
        found
    }

    /// Whether an element matching the selector exists now.
    pub async fn exists(&self, selector: &str) -> bool {
        !self.find_all(selector).await.is_empty()
    }

    /// Whether an element matching the selector is displayed now.
    pub async fn is_visible(&self, selector: &str) -> bool {
        for element in self.find_all(selector).await {
            if element.is_displayed().await.unwrap_or(false) {
                return true;
            }
        }
        false
    }

    /// Clicks the first displayed element matching the selector (waiting for one).
    pub async fn click(&mut self, selector: &str) {
        let element = self.wait_for_visible(selector).await;
        element
            .click()
            .await
            .unwrap_or_else(|error| panic!("click `{selector}`: {error}"));
        self.read_console().await;
    }

    /// Types `text` into the first displayed element matching the selector (waiting for one).
    pub async fn type_into(&mut self, selector: &str, text: &str) {
        let element = self.wait_for_visible(selector).await;
        element
            .send_keys(text)
            .await
            .unwrap_or_else(|error| panic!("type into `{selector}`: {error}"));
    }

    /// Presses and releases a key on the keyboard, wherever the focus is (as a person would,
    /// not by sending it to an element).
    pub async fn press_key(&mut self, key: Key) {
        let value: char = key.into();
        let keys = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
        self.client()
            .perform_actions(keys)
            .await
            .unwrap_or_else(|error| panic!("press {key:?}: {error}"));
        self.read_console().await;
    }

    /// The text of the whole page body, as a reader sees it.
    pub async fn body_text(&self) -> String {
        self.client()
            .find(Locator::Css("body"))
            .await
            .expect("a body")
            .text()
            .await
            .expect("the body's text")
    }

    /// Waits until the page's text contains `needle`; returns the text. A body that goes
    /// stale while it is read (a form's page replaced by the next one) is read again.
    pub async fn wait_for_text(&self, needle: &str) -> String {
        crate::eventually(&format!("the page to say {needle:?}"), WAIT, || async {
            let body = self.client().find(Locator::Css("body")).await.ok()?;
            let text = body.text().await.ok()?;
            text.contains(needle).then_some(text)
        })
        .await
    }

    /// Runs a script in the page (`arguments[0]`… are `args`) and returns its result.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.client()
            .execute(script, args)
            .await
            .unwrap_or_else(|error| panic!("run script {script:?}: {error}"))
    }

    /// The bounding rectangle of an element in CSS pixels: `(x, y, width, height)`.
    pub async fn rect(&self, element: &Element) -> (f64, f64, f64, f64) {
        element.rectangle().await.expect("the element's rectangle")
    }

    /// Saves a PNG of the visible page as `{test}-{label}-{viewport}.png` in
    /// [`screenshot_dir`], prints its path and returns it.
    pub async fn screenshot(&mut self, label: &str) -> PathBuf {
        let png = self.client().screenshot().await.expect("a screenshot");
        let file = screenshot_dir().join(format!(
            "{}-{}-{}.png",
            self.name,
            label,
            self.options.viewport.label()
        ));
        std::fs::write(&file, png).expect("write the screenshot");
        println!("screenshot: {}", file.display());
        self.read_console().await;
        file
    }

    /// Reads what the console printed since last asked and keeps it for
    /// [`Browser::console_errors`]. (chromedriver hands each line out once.)
    async fn read_console(&mut self) {
        let reply = self
            .client()
            .issue_cmd(ReadLog)
            .await
            .expect("read the browser's console");
        let entries = reply.as_array().cloned().unwrap_or_default();
        for entry in entries {
            let text = |key: &str| entry[key].as_str().unwrap_or_default().to_owned();
            self.console.push(ConsoleEntry {
                level: text("level"),
                source: text("source"),
                message: text("message"),
            });
        }
    }

    /// The console's errors (level `SEVERE`: uncaught exceptions, `console.error`, failed
    /// loads, CSP violations) since the last call, leaving nothing behind.
    ///
    /// The browser's own request for `/favicon.ico` is left out: Chromium asks every origin for
    /// one that a page does not name, and its absence is not a fault of the page.
    pub async fn console_errors(&mut self) -> Vec<ConsoleEntry> {
        self.read_console().await;
        std::mem::take(&mut self.console)
            .into_iter()
            .filter(|entry| entry.level == "SEVERE")
            .filter(|entry| !(entry.source == "network" && entry.message.contains("/favicon.ico ")))
            .collect()
    }

    /// Fails unless the console showed no error since the last check, except those whose
    /// message contains one of `expected` (such as `"status of 422"` for a page that answers
    /// 422 on purpose). Each expected text must have been seen.
    pub async fn assert_no_console_errors(&mut self, expected: &[&str]) {
        let errors = self.console_errors().await;
        let (allowed, unexpected): (Vec<_>, Vec<_>) = errors
            .into_iter()
            .partition(|entry| expected.iter().any(|text| entry.message.contains(text)));
        assert!(
            unexpected.is_empty(),
            "`{}`: the browser's console showed errors:\n{}",
            self.name,
            unexpected
                .iter()
                .map(|entry| format!("  [{}] {}", entry.source, entry.message))
                .collect::<Vec<_>>()
                .join("\n")
        );
        for text in expected {
            assert!(
                allowed.iter().any(|entry| entry.message.contains(text)),
                "`{}`: expected a console error containing {text:?}",
                self.name
            );
        }
    }

    /// Ends the session (Chromium quits) and stops chromedriver.
    pub async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if self.client.take().is_some() {
            // Not closed (a test failed): end the session by hand, synchronously, so that
            // Chromium quits before chromedriver is killed and no browser is left behind.
            delete_session(self.driver.port, &self.session);
        }
    }
}

/// `DELETE /session/{id}` on the chromedriver at `port`, waiting for its answer (at most a
/// few seconds).
fn delete_session(port: u16, session: &str) {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_secs(1)) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!(
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return;
    }
    // Read the whole answer (chromedriver answers only once Chromium has quit), but not past
    // it: chromedriver may keep the connection open regardless of `Connection: close`.
    let mut reply = Vec::new();
    let mut chunk = [0_u8; 4096];
    while let Ok(read) = stream.read(&mut chunk) {
        if read == 0 {
            break;
        }
        reply.extend_from_slice(&chunk[..read]);
        if reply_is_complete(&reply) {
            break;
        }
    }
}

/// Whether `reply` holds an HTTP response's head and all the body its `Content-Length` says.
fn reply_is_complete(reply: &[u8]) -> bool {
    let Some(head_end) = reply.windows(4).position(|window| window == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&reply[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    reply.len() >= head_end + 4 + length
}

/// The capabilities of a new session: Chromium headless, sized, with its console kept.
fn capabilities(options: BrowserOptions) -> serde_json::Map<String, Value> {
    let (width, height) = options.viewport.size();
    let mut args = vec![
        "--headless".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--no-first-run".to_owned(),
        format!("--window-size={width},{height}"),
    ];
    if !options.javascript {
        args.push("--blink-settings=scriptEnabled=false".to_owned());
    }
    let mut chrome = json!({ "binary": CHROMIUM, "args": args });
    if options.viewport == Viewport::Phone {
        chrome["mobileEmulation"] = json!({
            "deviceMetrics": { "width": width, "height": height, "pixelRatio": 2.0, "touch": true },
            "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
                (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36",
        });
    }
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": chrome,
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    match capabilities {
        Value::Object(map) => map,
        _ => unreachable!("an object literal"),
    }
}

/// chromedriver's `POST /session/{id}/se/log {"type": "browser"}`: the console lines not read
/// yet. Not in the W3C standard, so fantoccini has no method for it.
#[derive(Debug)]
struct ReadLog;

impl WebDriverCompatibleCommand for ReadLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}
