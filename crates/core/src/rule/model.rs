//! The visual builder's model.
