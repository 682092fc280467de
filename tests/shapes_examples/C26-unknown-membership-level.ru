# A membership level that is neither "full" nor "provisional".
INSERT DATA { GRAPH graph:article { event:XKX-fifa-admission kr:membershipLevel "honorary" } }
