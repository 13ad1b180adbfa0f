//! The HTTP edge: a real server on loopback, in its own thread and runtime,
//! that hands each request to [`App::handle`] as plain `http` values.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;

use axum::body::Body;
use http::{Request, Response, StatusCode};
use tokio::sync::oneshot;

use crate::app::App;
use crate::error::Error;

/// The largest request body the sandbox reads; larger ones get 413.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// A running server, stopped on drop.
#[derive(Debug)]
pub(crate) struct Server {
    #[allow(dead_code, reason = "shown in Debug")]
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds `listen`, which must be a loopback address.
    pub(crate) fn bind(listen: SocketAddr) -> Result<TcpListener, Error> {
        if !listen.ip().is_loopback() {
            return Err(Error::NotLoopback(listen));
        }
        let listener = TcpListener::bind(listen).map_err(|e| Error::Bind(listen, e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| Error::Bind(listen, e))?;
        Ok(listener)
    }

    /// Serves `app` on `listener` from a background thread.
    pub(crate) fn start(listener: TcpListener, app: Arc<App>) -> Result<Self, Error> {
        let addr = listener.local_addr().map_err(Error::Runtime)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .map_err(Error::Runtime)?;
        let (shutdown, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("sansauth-sandbox-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    let router = axum::Router::new().fallback(move |request: Request<Body>| {
                        let app = Arc::clone(&app);
                        async move { serve(&app, request).await }
                    });
                    let _ = axum::serve(listener, router)
                        .with_graceful_shutdown(async move {
                            let _ = stopped.await;
                        })
                        .await;
                });
            })
            .map_err(Error::Runtime)?;
        Ok(Self {
            addr,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Collects the body, runs the app, and converts back.
async fn serve(app: &App, request: Request<Body>) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let response = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => app.handle(&Request::from_parts(parts, bytes.to_vec())),
        Err(_) => crate::app::text(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("request bodies are limited to {MAX_BODY_BYTES} bytes"),
        ),
    };
    response.map(Body::from)
}
