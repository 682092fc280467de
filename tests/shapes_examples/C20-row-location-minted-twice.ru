# Row 1 of the recognition table minted as a second location.
INSERT DATA { GRAPH graph:article {
    <id/ref/wikipedia-international-recognition-of-kosovo/un-recognitions/L101-again> a kr:SourceLocation , oa:SpecificResource ;
        oa:hasSource doc:wikipedia-international-recognition-of-kosovo ;
        kr:sectionPath "Recognition > UN member states" ; kr:table "un-recognitions" ;
        kr:rowLabel "1" ; kr:line 101 .
} }
