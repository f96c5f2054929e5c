//! Number formatting as Go prints it.
