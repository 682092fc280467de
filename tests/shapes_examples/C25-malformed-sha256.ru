# A document checksum that is not a SHA-256 hex digest.
DELETE { GRAPH ?g { doc:wikipedia-international-recognition-of-kosovo kr:sha256 ?h } }
INSERT { GRAPH ?g { doc:wikipedia-international-recognition-of-kosovo kr:sha256 "not-a-checksum" } }
WHERE { GRAPH ?g { doc:wikipedia-international-recognition-of-kosovo kr:sha256 ?h } }
