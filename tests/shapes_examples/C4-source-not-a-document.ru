# A location whose source is an agent, not a document.
DELETE { GRAPH ?g { <id/ref/wikipedia-international-recognition-of-kosovo/un-recognitions/L180> oa:hasSource ?d } }
INSERT { GRAPH ?g { <id/ref/wikipedia-international-recognition-of-kosovo/un-recognitions/L180> oa:hasSource agent:wikipedia } }
WHERE { GRAPH ?g { <id/ref/wikipedia-international-recognition-of-kosovo/un-recognitions/L180> oa:hasSource ?d } }
