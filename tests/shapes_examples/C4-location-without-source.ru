# A location that names no document.
DELETE { GRAPH ?g { <id/ref/wikipedia-international-recognition-of-kosovo/un-recognitions/L101> oa:hasSource ?d } }
WHERE { GRAPH ?g { <id/ref/wikipedia-international-recognition-of-kosovo/un-recognitions/L101> oa:hasSource ?d } }
