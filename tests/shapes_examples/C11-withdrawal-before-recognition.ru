# Togo's withdrawal dated (2013-05-01) before its recognition (July 2014).
DELETE { GRAPH ?g { ?c kr:statedDate ?d ; kr:earliest ?e ; kr:latest ?l } }
INSERT { GRAPH ?g { ?c kr:statedDate "2013-05-01"^^xsd:date ; kr:earliest "2013-05-01"^^xsd:date ;
                    kr:latest "2013-05-01"^^xsd:date } }
WHERE { GRAPH ?g { ?c kr:about event:TGO-XKX-withdrawal-1 ; kr:statedDate ?d ; kr:earliest ?e ; kr:latest ?l } }
