//! The browser, and nothing of the survey: the address bar, LocalStorage, persistent
//! storage, HTTP, the clock and fresh ids, the connection, file downloads and the share sheet,
//! focus, the service worker and the build's identity. Everything above this folder reaches the browser through here.

pub mod address;
pub mod build_info;
pub mod clock;
pub mod connection;
pub mod download;
pub mod focus;
pub mod http;
pub mod local_storage;
pub mod persistence;
pub mod pwa;
pub mod share;
