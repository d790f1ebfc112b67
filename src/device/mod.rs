//! What Doorstep keeps on this tablet: every stored key in one place ([`keys`]), the
//! entries under them ([`entries`], with damaged ones set aside), the responses, visits
//! and batch records as a [`survey::Store`] ([`store`]), and the tablet's own settings
//! ([`settings`]).

pub mod entries;
pub mod keys;
pub mod settings;
pub mod store;

pub use store::LocalStore;
