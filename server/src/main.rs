//! `paxrisk`: the passenger-data risk assessment service and its command line.

mod analytics;
mod api;
mod app;
mod audit;
mod auth;
mod backup;
mod cli;
mod config;
mod db;
mod demo;
mod ingest;
mod links;
mod metrics;
mod notify;
mod retention;
mod review;
mod screening;
mod web;
mod worker;

fn main() -> std::process::ExitCode {
    cli::run()
}
