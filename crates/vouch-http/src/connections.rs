//! Accepting connections with limits, so that nobody can hold the server's memory or file
//! descriptors by opening sockets and saying nothing:
//!
//! - at most [`ConnectionLimits::max_connections`] at once: beyond it the server stops
//!   accepting (new connections wait in the kernel's queue) until one closes;
//! - each request's headers must arrive within [`ConnectionLimits::header_read`] of the
//!   connection waiting for them, which also closes a kept-alive connection idle that long;
//! - each request's body must arrive whole within [`ConnectionLimits::body_read`] of its
//!   headers ([`DeadlineBody`]), however slowly it trickles.
//!
//! On shutdown the listener closes, in-flight requests finish, and idle connections close.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// The limits on every connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections served at once.
    pub max_connections: usize,
    /// Time for a request's headers to arrive, counted from when the connection waits for
    /// them: also how long a kept-alive connection may stay idle.
    pub header_read: Duration,
    /// Time for a request's whole body to arrive after its headers.
    pub body_read: Duration,
}

/// How long to wait before accepting again after an accept failed (out of descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` within `limits` until `shutdown` completes, then stops
/// accepting and waits for the connections to finish.
pub async fn serve_connections(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    // HTTP/1.1 only: the server sits behind a proxy or is reached in plain text, where
    // HTTP/2 is not spoken, and guessing the version would read a silent socket untimed.
    let mut builder = Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = connection_service(router.clone(), remote, limits.body_read);
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%remote, error = %error, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// The router as one connection's service: each request learns the peer's address and gets
/// its body deadline.
fn connection_service(
    router: Router,
    remote: SocketAddr,
    body_read: Duration,
) -> TowerToHyperService<
    impl tower::Service<
        Request<Incoming>,
        Response = axum::response::Response,
        Error = std::convert::Infallible,
        Future = impl Send,
    > + Clone,
> {
    let service = router.map_request(move |request: Request<Incoming>| {
        let mut request = request.map(|body| Body::new(DeadlineBody::new(body, body_read)));
        request.extensions_mut().insert(ConnectInfo(remote));
        request
    });
    TowerToHyperService::new(service)
}

/// A request body that fails once its deadline passes, however the bytes trickle in.
#[derive(Debug)]
pub struct DeadlineBody<B> {
    inner: B,
    deadline: Pin<Box<Sleep>>,
    within: Duration,
}

impl<B> DeadlineBody<B> {
    /// `inner`, to be read whole within `within` from now.
    pub fn new(inner: B, within: Duration) -> DeadlineBody<B> {
        DeadlineBody {
            inner,
            deadline: Box::pin(tokio::time::sleep_until(Instant::now() + within)),
            within,
        }
    }
}

/// A body not read whole in time.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive within {0:?}")]
pub struct BodyDeadline(Duration);

impl<B> http_body::Body for DeadlineBody<B>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyDeadline(self.within))))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
