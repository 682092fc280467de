# A date precision outside (kr:Day kr:Month kr:Year).
DELETE { GRAPH ?g { ?c kr:datePrecision ?p } }
INSERT { GRAPH ?g { ?c kr:datePrecision kr:Week } }
WHERE { GRAPH ?g { ?c kr:about event:FRA-XKX-recognition-1 ; kr:datePrecision ?p } }
