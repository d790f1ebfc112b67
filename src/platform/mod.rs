//! The browser, and nothing of the survey: the address bar, the build's own files,
//! LocalStorage, persistent storage, HTTP, the clock and fresh ids, the connection, the
//! page's language, file downloads and the share sheet, focus, the service worker and the
//! build's identity. Everything above this folder reaches the browser through here.

pub mod address;
pub mod app_file;
pub mod build_info;
pub mod clock;
pub mod connection;
pub mod document;
pub mod download;
pub mod focus;
pub mod http;
pub mod local_storage;
pub mod persistence;
pub mod pwa;
pub mod share;
