//! diesel table definitions, shared by both backends (the migrations under `migrations/` keep
//! the two DDL dialects in step with this file).

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        carrier -> Nullable<Text>,
        active -> Bool,
        failed_logins -> Integer,
        locked_until -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        revoked -> Bool,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        sha256 -> Text,
        carrier -> Nullable<Text>,
        account_id -> Nullable<Text>,
        source -> Text,
        received_at -> BigInt,
        state -> Text,
        message_type -> Nullable<Text>,
        diagnostics -> Text,
        raw -> Nullable<Binary>,
        size -> BigInt,
        attempts -> Integer,
        lease_until -> Nullable<BigInt>,
        updated_at -> BigInt,
    }
}

diesel::table! {
    flights (id) {
        id -> Text,
        flight_key -> Text,
        carrier -> Text,
        number -> Text,
        origin -> Text,
        destination -> Text,
        etd -> Nullable<BigInt>,
        eta -> Nullable<BigInt>,
        departure_local -> Nullable<Text>,
        arrival_local -> Nullable<Text>,
        direction -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    travellers (id) {
        id -> Text,
        flight_id -> Text,
        identity_key -> Text,
        source -> Text,
        kind -> Text,
        surname -> Text,
        given_names -> Text,
        date_of_birth -> Nullable<Text>,
        gender -> Nullable<Text>,
        nationality -> Nullable<Text>,
        record_locator -> Nullable<Text>,
        data -> Text,
        message_id -> Text,
        masked -> Bool,
        received_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    traveller_versions (id) {
        id -> Text,
        traveller_id -> Text,
        message_id -> Text,
        source -> Text,
        data -> Text,
        received_at -> BigInt,
    }
}

diesel::table! {
    documents (id) {
        id -> Text,
        traveller_id -> Text,
        doc_type -> Text,
        number -> Text,
        issuing_country -> Nullable<Text>,
        expiry -> Nullable<Text>,
    }
}

diesel::table! {
    pnrs (id) {
        id -> Text,
        flight_id -> Text,
        record_locator -> Text,
        message_id -> Text,
        data -> Text,
        received_at -> BigInt,
    }
}

diesel::table! {
    watchlists (id) {
        id -> Text,
        name -> Text,
        category -> Text,
        severity -> Text,
        threshold -> Double,
        version -> Integer,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    watchlist_entries (id) {
        id -> Text,
        watchlist_id -> Text,
        version -> Integer,
        entry -> Text,
    }
}

diesel::table! {
    rules (id) {
        id -> Text,
        name -> Text,
        category -> Text,
        severity -> Text,
        weight -> Integer,
        state -> Text,
        condition -> Text,
        spec -> Text,
        version -> Integer,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    rule_versions (id) {
        id -> Text,
        rule_id -> Text,
        version -> Integer,
        spec -> Text,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        kind -> Text,
        flight_id -> Text,
        state -> Text,
        run_after -> BigInt,
        lease_until -> Nullable<BigInt>,
        attempts -> Integer,
        created_at -> BigInt,
    }
}

diesel::table! {
    hits (id) {
        id -> Text,
        traveller_id -> Text,
        flight_id -> Text,
        kind -> Text,
        source_id -> Text,
        source_version -> Integer,
        live -> Bool,
        score -> Double,
        weight -> Integer,
        reason -> Text,
        detail -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    review_items (id) {
        id -> Text,
        traveller_id -> Text,
        flight_id -> Text,
        score -> Integer,
        band -> Text,
        status -> Text,
        assignee -> Nullable<Text>,
        disposition -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    review_notes (id) {
        id -> Text,
        item_id -> Text,
        author -> Text,
        body -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        at -> BigInt,
        actor -> Text,
        role -> Text,
        action -> Text,
        object -> Text,
        outcome -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    settings,
    users,
    sessions,
    messages,
    flights,
    travellers,
    traveller_versions,
    documents,
    pnrs,
    watchlists,
    watchlist_entries,
    rules,
    rule_versions,
    jobs,
    hits,
    review_items,
    review_notes,
    audit_log,
);
