# The resumption dated (2018-12-01) before the withdrawal it follows (2019-01-18).
DELETE { GRAPH ?g { ?c kr:statedDate ?d ; kr:earliest ?e ; kr:latest ?l } }
INSERT { GRAPH ?g { ?c kr:statedDate "2018-12-01"^^xsd:date ; kr:earliest "2018-12-01"^^xsd:date ;
                    kr:latest "2018-12-01"^^xsd:date } }
WHERE { GRAPH ?g { ?c kr:about event:PLW-XKX-resumption-1 ; kr:statedDate ?d ; kr:earliest ?e ; kr:latest ?l } }
