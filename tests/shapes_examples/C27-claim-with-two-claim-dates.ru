# One claim made on two dates (two sources merged into one claim).
INSERT { GRAPH graph:news { claim:3bbdc3c20f509ae9 kr:claimMadeOn "2018-03-01"^^xsd:date } }
WHERE {}
