//! The limits on connections, against the real server on loopback: idle and silent sockets are
//! closed, a body that trickles in is cut off at its deadline, connections beyond the cap wait
//! for one to close, and public forms take small bodies only.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use vouch_http::{Limits, ServerConfig};
use vouch_test_kit::server::{TestServer, test_config};
use vouch_test_kit::storage::Storage;

async fn server_with(limits: Limits) -> (TestServer, String) {
    let server = TestServer::start(Storage::sqlite().await, |_| ServerConfig {
        limits,
        ..test_config()
    })
    .await;
    let address = server.base.trim_start_matches("http://").to_owned();
    (server, address)
}

/// Reads until the server closes the socket or `within` passes; `None` when still open.
async fn read_until_closed(socket: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let deadline = Instant::now() + within;
    let mut buffer = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, socket.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(received),
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
            Err(_) => return None,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_and_idle_connections_are_closed_after_the_header_time() {
    let limits = Limits {
        header_read_seconds: 1,
        ..Limits::default()
    };
    let (_server, address) = server_with(limits).await;
    let mut silent = TcpStream::connect(&address).await.expect("connected");
    let started = Instant::now();
    let closed = read_until_closed(&mut silent, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "a silent socket is closed");
    assert!(started.elapsed() >= Duration::from_millis(900));

    let mut kept = TcpStream::connect(&address).await.expect("connected");
    kept.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .expect("sent");
    let answered = read_until_closed(&mut kept, Duration::from_secs(5))
        .await
        .expect("closed once idle");
    let text = String::from_utf8_lossy(&answered);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_trickles_in_is_cut_off_at_its_deadline() {
    let limits = Limits {
        body_read_seconds: 1,
        ..Limits::default()
    };
    let (server, address) = server_with(limits).await;
    let mut slow = TcpStream::connect(&address).await.expect("connected");
    slow.write_all(
        b"POST /l/anything HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 5000\r\n\r\nscore=",
    )
    .await
    .expect("sent");
    let started = Instant::now();
    // A byte every 200 ms: never a pause long enough for a per-read timeout.
    let mut answer = None;
    for _ in 0..25 {
        if slow.write_all(b"9").await.is_err() {
            break;
        }
        let mut buffer = [0u8; 1024];
        if let Ok(Ok(n)) =
            tokio::time::timeout(Duration::from_millis(200), slow.read(&mut buffer)).await
        {
            answer = Some(String::from_utf8_lossy(&buffer[..n]).into_owned());
            break;
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "cut off near its deadline"
    );
    if let Some(answer) = answer.filter(|text| !text.is_empty()) {
        assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
    }
    let healthy = reqwest::get(server.url("/healthz")).await.expect("a reply");
    assert_eq!(healthy.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_wait_for_one_to_close() {
    let limits = Limits {
        max_connections: 2,
        ..Limits::default()
    };
    let (_server, address) = server_with(limits).await;
    let first = TcpStream::connect(&address).await.expect("connected");
    let _second = TcpStream::connect(&address).await.expect("connected");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = TcpStream::connect(&address)
        .await
        .expect("queued by the kernel");
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .expect("sent");
    let mut buffer = [0u8; 1024];
    let waiting = tokio::time::timeout(Duration::from_millis(700), third.read(&mut buffer)).await;
    assert!(waiting.is_err(), "not served while two are open");
    drop(first);
    let answered = read_until_closed(&mut third, Duration::from_secs(5))
        .await
        .expect("served once one closed");
    assert!(String::from_utf8_lossy(&answered).starts_with("HTTP/1.1 200"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_forms_take_small_bodies_only() {
    let (server, _) = server_with(Limits::default()).await;
    let big = format!(
        "score=9&comment={}",
        "a".repeat(Limits::default().form_body_bytes)
    );
    let reply = reqwest::Client::new()
        .post(server.url("/l/anything"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(big)
        .send()
        .await
        .expect("a reply");
    assert_eq!(reply.status(), 413);
}
