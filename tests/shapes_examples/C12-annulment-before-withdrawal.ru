# The annulment dated (2017-10-01) before the withdrawal it annuls (2017-11-21).
DELETE { GRAPH ?g { ?c kr:statedDate ?d ; kr:earliest ?e ; kr:latest ?l } }
INSERT { GRAPH ?g { ?c kr:statedDate "2017-10-01"^^xsd:date ; kr:earliest "2017-10-01"^^xsd:date ;
                    kr:latest "2017-10-01"^^xsd:date } }
WHERE { GRAPH ?g { ?c kr:about event:GNB-XKX-annulment-1 ; kr:stance kr:Affirms ;
                   kr:statedDate ?d ; kr:earliest ?e ; kr:latest ?l } }
