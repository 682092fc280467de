# A row-order dating attributed to the article instead of the build.
DELETE { GRAPH ?g { ?c kr:claimant agent:kosovo-kg } }
INSERT { GRAPH ?g { ?c kr:claimant agent:wikipedia } }
WHERE { GRAPH ?g { ?c kr:dateBasis kr:RowOrderBound ; kr:claimant agent:kosovo-kg } }
