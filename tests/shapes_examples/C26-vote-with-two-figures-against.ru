# A vote with two different numbers of votes against.
INSERT DATA { GRAPH graph:article { event:fifa-congress-XKX-membership kr:votesAgainst 32 } }
