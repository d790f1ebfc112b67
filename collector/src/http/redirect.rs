//! `serve --redirect-http ADDR`: a plain-HTTP listener that sends every request to the
//! same address over HTTPS, so `http://survey.example.org/` typed on a tablet still
//! opens the app (where a service worker can be installed).
//!
//! Every request is answered `308 Permanent Redirect` (the method and body are kept, so a
//! stray upload is re-sent over HTTPS rather than turned into a GET) to
//! `https://<host>[:<port>]<path and query>`: the host from the request's `Host` header
//! without its port, the port of the HTTPS listener unless it is 443. A request without
//! a readable `Host` is answered `400`.

use axum::extract::{Request, State};
use axum::http::header::{HOST, LOCATION};
use axum::http::uri::Authority;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

/// The redirecting application, sending requests to the HTTPS listener on `https_port`.
pub fn router(https_port: u16) -> Router {
    Router::new().fallback(redirect).with_state(https_port)
}

async fn redirect(State(https_port): State<u16>, request: Request) -> Response {
    match location(request.headers().get(HOST), request.uri(), https_port) {
        Some(location) => (StatusCode::PERMANENT_REDIRECT, [(LOCATION, location)]).into_response(),
        None => (
            StatusCode::BAD_REQUEST,
            "this address answers only with a redirect to HTTPS, and needs the Host header for it\n",
        )
            .into_response(),
    }
}

/// Where a request for `uri` with `host` goes over HTTPS; `None` when `host` is missing
/// or is not a host (with an optional port).
pub fn location(
    host: Option<&HeaderValue>,
    uri: &axum::http::Uri,
    https_port: u16,
) -> Option<HeaderValue> {
    let authority: Authority = host?.to_str().ok()?.parse().ok()?;
    let name = authority.host();
    if name.is_empty() || authority.as_str().contains('@') {
        return None;
    }
    let port = if https_port == 443 {
        String::new()
    } else {
        format!(":{https_port}")
    };
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let path = if path.starts_with('/') { path } else { "/" };
    HeaderValue::from_str(&format!("https://{name}{port}{path}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Uri;

    fn to(host: Option<&str>, uri: &str, port: u16) -> Option<String> {
        let host = host.map(|h| HeaderValue::from_str(h).unwrap());
        let uri: Uri = uri.parse().unwrap();
        location(host.as_ref(), &uri, port).map(|v| v.to_str().unwrap().to_owned())
    }

    #[test]
    fn the_host_keeps_its_name_and_takes_the_https_port() {
        assert_eq!(
            to(Some("survey.example.org"), "/interview/3?lang=fr", 443).as_deref(),
            Some("https://survey.example.org/interview/3?lang=fr")
        );
        assert_eq!(
            to(Some("survey.example.org:80"), "/", 8443).as_deref(),
            Some("https://survey.example.org:8443/")
        );
        assert_eq!(
            to(Some("[::1]:8080"), "/a", 443).as_deref(),
            Some("https://[::1]/a")
        );
        assert_eq!(
            to(Some("10.0.0.5"), "*", 443).as_deref(),
            Some("https://10.0.0.5/")
        );
    }

    #[test]
    fn a_missing_or_garbled_host_gets_no_location() {
        assert_eq!(to(None, "/", 443), None);
        assert_eq!(to(Some(""), "/", 443), None);
        assert_eq!(to(Some("a b"), "/", 443), None);
        assert_eq!(to(Some("me@evil.example"), "/", 443), None);
        assert_eq!(to(Some("host/path"), "/", 443), None);
    }
}
