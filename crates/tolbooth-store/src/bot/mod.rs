//! The chatbot's knowledge base and questions on SQLite and PostgreSQL.

mod knowledge;
mod questions;
