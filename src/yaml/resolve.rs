//! Scalar resolution for the two dialects (owned by the parser helper).
