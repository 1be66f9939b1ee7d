//! The chatbot's records: the knowledge base it answers from and the
//! questions it was asked.

pub mod knowledge;
pub mod ports;
pub mod questions;
