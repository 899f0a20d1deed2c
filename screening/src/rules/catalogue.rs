//! The field catalogue: every name a rule may test, its type, the format of its values and the
//! words an officer reads in an explanation.
//!
//! Sensitive data (religion, health, ethnicity, sexual life, political opinion, trade-union
//! membership, meal preferences, disability…) has no field here on purpose: what is not in the
//! catalogue cannot be written into a rule (PNR Directive Art. 6(4), 13(4)).

use serde::Serialize;

/// The type of a field's value, which decides the operators it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Text, compared case-insensitively.
    Text,
    /// A list of texts (e.g. the airports of the route).
    TextList,
    /// A whole number.
    Integer,
    /// A decimal number.
    Number,
    /// Yes or no.
    Boolean,
    /// A calendar date, written `YYYY-MM-DD` in rules.
    Date,
}

/// What whole values of a text field look like, so that typos (`"Iceland"` for `ISL`) are
/// refused at validation instead of silently never matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "values")]
pub enum Format {
    /// Any non-empty text.
    Free,
    /// ISO 3166-1 alpha-3 country code, as in travel documents.
    Country,
    /// IATA airport code.
    Airport,
    /// IATA (2 characters) or ICAO (3 letters) airline designator.
    Carrier,
    /// One of a closed list of values.
    OneOf(&'static [&'static str]),
}

/// Everything the catalogue knows about one field; serialisable so the server can publish the
/// catalogue to the rule editor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FieldInfo {
    /// The field itself.
    #[serde(skip)]
    pub field: Field,
    /// Stable dotted name used in rules (`traveller.nationality`).
    pub name: &'static str,
    /// Value type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Format of whole text values.
    pub format: Format,
    /// Words used in explanations (`nationality`).
    pub label: &'static str,
    /// Unit of integer fields in explanations (`day`), empty when none.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub unit: &'static str,
    /// One sentence for the rule editor.
    pub description: &'static str,
}

const GENDERS: &[&str] = &["M", "F", "U", "X"];
const KINDS: &[&str] = &["passenger", "crew", "transit_passenger", "transit_crew"];
const DIRECTIONS: &[&str] = &["inbound", "outbound"];

// One line per field keeps the enum, the name and the metadata from drifting apart.
macro_rules! catalogue {
    ($($var:ident => $name:literal, $ty:ident, $format:expr, $label:literal, $unit:literal, $doc:literal;)*) => {
        /// A field of the catalogue. The dotted name ([`Field::name`]) is the stable identifier;
        /// the variant order is an implementation detail.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Field {
            $(#[doc = $doc] $var,)*
        }

        /// Number of fields, the length of a [`super::facts::FactTable`].
        pub(crate) const FIELD_COUNT: usize = 0 $(+ { let _ = Field::$var; 1 })*;

        static FIELDS: &[FieldInfo] = &[
            $(FieldInfo {
                field: Field::$var,
                name: $name,
                ty: FieldType::$ty,
                format: $format,
                label: $label,
                unit: $unit,
                description: $doc,
            },)*
        ];
    };
}

catalogue! {
    TravellerSurname => "traveller.surname", Text, Format::Free, "surname", "",
        "Surname as on the travel document or booking.";
    TravellerGivenNames => "traveller.given_names", Text, Format::Free, "given names", "",
        "All given names, space-separated.";
    TravellerNationality => "traveller.nationality", Text, Format::Country, "nationality", "",
        "Nationality (ISO 3166-1 alpha-3).";
    TravellerGender => "traveller.gender", Text, Format::OneOf(GENDERS), "gender", "",
        "Gender as sent: M, F, U or X.";
    TravellerAge => "traveller.age", Integer, Format::Free, "age", "",
        "Age in whole years on the flight's scheduled departure date.";
    TravellerDocumentType => "traveller.document_type", Text, Format::Free, "document type", "",
        "Type of the main travel document as sent (P passport, I identity card…).";
    TravellerDocumentCountry => "traveller.document_country", Text, Format::Country,
        "document issuing country", "", "Country that issued the main travel document.";
    TravellerDocumentExpiryDays => "traveller.document_expiry_days", Integer, Format::Free,
        "document validity after departure", "day",
        "Days from the scheduled departure date to the main document's expiry (negative when expired).";
    TravellerDocumentCountryDiffers => "traveller.document_country_differs", Boolean, Format::Free,
        "document issued outside the nationality", "",
        "True when the main document was issued by a country other than the nationality.";
    TravellerResidence => "traveller.residence", Text, Format::Country, "country of residence", "",
        "Country of residence.";
    TravellerKind => "traveller.kind", Text, Format::OneOf(KINDS), "traveller type", "",
        "passenger, crew, transit_passenger or transit_crew.";
    FlightCarrier => "flight.carrier", Text, Format::Carrier, "carrier", "",
        "Airline designator of the flight.";
    FlightNumber => "flight.number", Text, Format::Free, "flight number", "",
        "Flight number without the carrier.";
    FlightOrigin => "flight.origin", Text, Format::Airport, "origin", "",
        "Airport the flight departs from (IATA).";
    FlightDestination => "flight.destination", Text, Format::Airport, "destination", "",
        "Airport the flight arrives at (IATA).";
    FlightOriginCountry => "flight.origin_country", Text, Format::Country, "origin country", "",
        "Country of the origin airport.";
    FlightDestinationCountry => "flight.destination_country", Text, Format::Country,
        "destination country", "", "Country of the destination airport.";
    FlightDirection => "flight.direction", Text, Format::OneOf(DIRECTIONS), "direction", "",
        "inbound or outbound, as seen from the home country.";
    FlightDepartureHour => "flight.departure_hour", Integer, Format::Free, "departure hour", "",
        "Hour (0-23) of the scheduled departure, local time at the origin.";
    FlightDepartureDate => "flight.departure_date", Date, Format::Free, "departure date", "",
        "Scheduled departure date, local at the origin.";
    PnrPaymentType => "pnr.payment_type", Text, Format::Free, "payment type", "",
        "Form of payment code of the booking's first payment (CA cash, CC card, MS other…).";
    PnrPaymentAmount => "pnr.payment_amount", Number, Format::Free, "payment amount", "",
        "Amount of the booking's first payment, as sent.";
    PnrBookingDate => "pnr.booking_date", Date, Format::Free, "booking date", "",
        "Date the booking was made.";
    PnrBookingLeadDays => "pnr.booking_lead_days", Integer, Format::Free, "booking lead time", "day",
        "Days between booking and scheduled departure.";
    PnrOneWay => "pnr.one_way", Boolean, Format::Free, "one-way booking", "",
        "True when the itinerary does not return to where it started.";
    PnrTripDurationDays => "pnr.trip_duration_days", Integer, Format::Free, "trip duration", "day",
        "Days from the first departure to the return departure (return trips only).";
    PnrTravellersCount => "pnr.travellers_count", Integer, Format::Free,
        "travellers on the booking", "", "Number of travellers on the booking, the traveller included.";
    PnrBagCount => "pnr.bag_count", Integer, Format::Free, "checked bags", "",
        "Checked bags of the traveller (or of the booking when not given per traveller).";
    PnrAgency => "pnr.agency", Text, Format::Free, "booking agency", "",
        "Identifier of the agency or office that made the booking.";
    PnrRoute => "pnr.route", TextList, Format::Airport, "route", "",
        "Airports of the booked itinerary in order (IATA).";
    PnrStops => "pnr.stops", Integer, Format::Free, "stops on the route", "",
        "Airports on the route between its first origin and final destination.";
    PnrEmailDomain => "pnr.email_domain", Text, Format::Free, "e-mail domain", "",
        "Domain of the booking's first e-mail contact.";
    PnrFrequentFlyer => "pnr.frequent_flyer", Boolean, Format::Free, "frequent-flyer number", "",
        "True when the booking carries a frequent-flyer number.";
    PnrSeat => "pnr.seat", Text, Format::Free, "seat", "",
        "Seat of the traveller (e.g. 12A).";
    HistoryPreviousTrips => "history.previous_trips", Integer, Format::Free, "previous trips", "",
        "Trips of the same traveller already on record.";
    HistoryPreviousHits => "history.previous_hits", Integer, Format::Free, "previous hits", "",
        "Earlier rule or watchlist hits of the same traveller.";
    LinksHopsToHit => "links.hops_to_hit", Integer, Format::Free,
        "link hops to a traveller with a hit", "",
        "Fewest link hops (1-3: shared phone, e-mail, card, address, document, frequent-flyer number, agency, booking, seat row or same person) to another traveller with a watchlist hit or a confirmed hit; unknown when none is within 3 hops.";
}

/// The whole catalogue in a stable order, for the rule editor and documentation.
pub fn catalogue() -> &'static [FieldInfo] {
    FIELDS
}

impl Field {
    /// The field's catalogue entry.
    pub fn info(self) -> &'static FieldInfo {
        // The table is generated in variant order by the macro above.
        &FIELDS[self as usize]
    }

    /// The stable dotted name.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The value type.
    pub fn ty(self) -> FieldType {
        self.info().ty
    }

    /// Finds a field by its dotted name (exact, case-sensitive: names are identifiers).
    pub fn from_name(name: &str) -> Option<Field> {
        FIELDS.iter().find(|f| f.name == name).map(|f| f.field)
    }

    /// The accepted range of integer values, to refuse impossible rules (`age` of 400).
    pub(crate) fn int_range(self) -> Option<(i64, i64)> {
        use Field::*;
        match self {
            TravellerAge => Some((0, 130)),
            FlightDepartureHour => Some((0, 23)),
            TravellerDocumentExpiryDays => Some((-36_600, 36_600)),
            PnrBookingLeadDays | PnrTripDurationDays => Some((-3_660, 3_660)),
            PnrTravellersCount | PnrBagCount | PnrStops | HistoryPreviousTrips
            | HistoryPreviousHits => Some((0, 100_000)),
            LinksHopsToHit => Some((1, 3)),
            _ => None,
        }
    }

    /// Sentences for a boolean field being true and false, for explanations.
    pub(crate) fn bool_phrases(self) -> (&'static str, &'static str) {
        use Field::*;
        match self {
            TravellerDocumentCountryDiffers => (
                "the document was issued by a country other than the nationality",
                "the document was issued by the country of nationality",
            ),
            PnrOneWay => ("the booking is one-way", "the booking is a return trip"),
            PnrFrequentFlyer => (
                "the booking has a frequent-flyer number",
                "the booking has no frequent-flyer number",
            ),
            _ => ("yes", "no"),
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
