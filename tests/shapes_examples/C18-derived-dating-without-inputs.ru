# A row-order dating that does not name the claims it was computed from.
DELETE { GRAPH ?g { ?c kr:derivedFrom ?input } }
WHERE { GRAPH ?g { ?c kr:dateBasis kr:RowOrderBound ; kr:derivedFrom ?input } }
