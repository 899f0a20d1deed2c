//! Intake (HTTP, folder, CLI) → raw store → parse → load → enqueue screening.

pub mod airports;
pub mod cli;
pub mod folder;
pub mod intake;
pub mod load;
pub mod parts;
pub mod process;
pub mod raw;
pub mod roster;
pub mod views;
