//! A minimal PDF reader for what stamping and inspecting signatures need: the cross-reference
//! chain (tables, streams, hybrid files, incremental updates), objects by reference (also inside
//! object streams), the catalog, the page tree and forms. It never rewrites the file.

pub(crate) mod document;
pub(crate) mod filter;
pub(crate) mod lexer;
pub(crate) mod object;
pub(crate) mod xref;

pub(crate) use document::{Document, PageRef};
pub(crate) use object::{Dict, ObjRef, Object, Stream};
