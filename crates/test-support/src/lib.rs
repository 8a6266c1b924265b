//! Local fake servers for every remote API Switchboard talks to. Each one answers like the
//! real provider, records every request it receives, and can be told to fail, so tests (and the
//! demo's simulator) exercise the real client code over real HTTP on 127.0.0.1.
#![forbid(unsafe_code)]

pub mod db;
pub mod evolution;
pub mod meta;
pub mod openai;
pub mod recorder;
pub mod square;
pub mod stripe;
pub mod telegram;
pub mod twilio;

pub use recorder::{FakeServer, Recorded, Recorder};
