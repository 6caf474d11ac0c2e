//! QR decoding (below).
