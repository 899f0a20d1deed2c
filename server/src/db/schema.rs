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
        email -> Nullable<Text>,
        notify_high -> Bool,
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
        size -> BigInt,
        attempts -> Integer,
        lease_until -> Nullable<BigInt>,
        updated_at -> BigInt,
        order_key -> Nullable<Text>,
        load_order -> Nullable<BigInt>,
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
        population -> Nullable<Text>,
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
        person_key -> Nullable<Text>,
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
        kind -> Text,
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
        purpose -> Nullable<Text>,
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
    api_keys,
    manual_hits,
    lookouts,
    notify_events,
    rule_suggestions,
);

// Retention (issue 8): policy, data keys, sealed originals, unmask requests, sensitive filter.

diesel::table! {
    retention_policy (id) {
        id -> Text,
        profile -> Text,
        spec -> Text,
        version -> Integer,
        updated_by -> Text,
        updated_at -> BigInt,
    }
}

diesel::table! {
    retention_keys (subject) {
        subject -> Text,
        wrapped_key -> Binary,
        created_at -> BigInt,
        epoch -> Nullable<BigInt>,
    }
}

diesel::table! {
    sealed_originals (subject) {
        subject -> Text,
        sealed -> Binary,
        sealed_at -> BigInt,
    }
}

diesel::table! {
    unmask_requests (id) {
        id -> Text,
        requester_id -> Text,
        traveller_ids -> Text,
        fields -> Text,
        purpose -> Text,
        reason -> Text,
        hours -> Integer,
        status -> Text,
        decided_by -> Nullable<Text>,
        decision_reason -> Nullable<Text>,
        decided_at -> Nullable<BigInt>,
        expires_at -> Nullable<BigInt>,
        dpo_reviewed_by -> Nullable<Text>,
        dpo_reviewed_at -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::table! {
    sensitive_lists (version) {
        version -> Integer,
        codes -> Text,
        keywords -> Text,
        created_by -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    sensitive_removals (carrier, day) {
        carrier -> Text,
        day -> Text,
        removed -> BigInt,
    }
}

diesel::table! {
    retention_runs (id) {
        id -> Text,
        as_of -> BigInt,
        started_at -> BigInt,
        profile -> Text,
        travellers_deleted -> BigInt,
        travellers_masked -> BigInt,
        pnrs_deleted -> BigInt,
        pnrs_masked -> BigInt,
        raw_deleted -> BigInt,
        grants_expired -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    retention_policy,
    retention_keys,
    sealed_originals,
    unmask_requests,
    sensitive_lists,
    sensitive_removals,
    retention_runs,
);

// Accounts, review actions, lookouts and the e-mail outbox (issue 7).

diesel::table! {
    api_keys (id) {
        id -> Text,
        user_id -> Text,
        label -> Text,
        secret_sha256 -> Text,
        created_by -> Text,
        created_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
        last_used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    manual_hits (id) {
        id -> Text,
        item_id -> Text,
        traveller_id -> Text,
        category -> Text,
        band -> Text,
        reason -> Text,
        author -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    lookouts (id) {
        id -> Text,
        traveller_id -> Text,
        flight_id -> Text,
        item_id -> Nullable<Text>,
        status -> Text,
        reason -> Text,
        created_by -> Text,
        created_at -> BigInt,
        updated_by -> Text,
        updated_at -> BigInt,
    }
}

diesel::table! {
    notify_events (id) {
        id -> Text,
        key -> Text,
        kind -> Text,
        object_id -> Text,
        state -> Text,
        attempts -> Integer,
        lease_until -> Nullable<BigInt>,
        detail -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

// Targeting rules (issue 6): accepted weight suggestions.

diesel::table! {
    rule_suggestions (id) {
        id -> Text,
        rule_id -> Text,
        from_version -> Integer,
        to_version -> Integer,
        base_weight -> Integer,
        old_weight -> Integer,
        new_weight -> Integer,
        resultant -> Double,
        non_resultant -> Double,
        accepted_by -> Text,
        accepted_at -> BigInt,
    }
}

diesel::table! {
    suppressions (id) {
        id -> Text,
        person_hash -> Text,
        watchlist_id -> Text,
        entry_id -> Text,
        item_id -> Text,
        created_by -> Text,
        created_at -> BigInt,
    }
}

// Link analysis (issue 12).

diesel::table! {
    link_nodes (node) {
        node -> Text,
        kind -> Text,
        label -> Text,
    }
}

diesel::table! {
    links (node, traveller_id, source) {
        node -> Text,
        traveller_id -> Text,
        source -> Text,
        kind -> Text,
        at -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(links, link_nodes);
diesel::allow_tables_to_appear_in_same_query!(links, travellers);
diesel::allow_tables_to_appear_in_same_query!(links, flights);

// User groups, the first-admin setup token (issue 7).

diesel::table! {
    user_groups (id) {
        id -> Text,
        name -> Text,
        categories -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    group_members (group_id, user_id) {
        group_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    setup_tokens (id) {
        id -> Text,
        token_sha256 -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
        failed_attempts -> Integer,
        locked_until -> Nullable<BigInt>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(user_groups, group_members, users);

diesel::table! {
    part_sets (id) {
        id -> Text,
        flight_id -> Text,
        carrier -> Text,
        document -> Text,
        reference -> Text,
        parts_expected -> Nullable<Integer>,
        parts_seen -> Integer,
        duplicates -> Integer,
        state -> Text,
        first_part_at -> BigInt,
        last_part_at -> BigInt,
        completed_at -> Nullable<BigInt>,
        timed_out_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    message_parts (message_id, set_id, sequence) {
        message_id -> Text,
        set_id -> Text,
        sequence -> Integer,
        last -> Bool,
    }
}

diesel::allow_tables_to_appear_in_same_query!(part_sets, message_parts);
diesel::allow_tables_to_appear_in_same_query!(part_sets, flights);
diesel::allow_tables_to_appear_in_same_query!(part_sets, messages);
diesel::allow_tables_to_appear_in_same_query!(message_parts, messages);

diesel::table! {
    /// Raw message bytes, written once at intake (kept apart so a message's state changes do not
    /// rewrite them).
    message_bytes (message_id) {
        message_id -> Text,
        raw -> Binary,
        sealed -> Bool,
    }
}

diesel::allow_tables_to_appear_in_same_query!(message_bytes, messages);
diesel::allow_tables_to_appear_in_same_query!(message_bytes, traveller_versions);
