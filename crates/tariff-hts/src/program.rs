//! Special tariff treatment programs (placeholder: being written).
