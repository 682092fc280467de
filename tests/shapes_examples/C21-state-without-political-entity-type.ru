# A UN member state not typed kr:PoliticalEntity.
DELETE DATA { GRAPH graph:reference { state:SRB a kr:PoliticalEntity } }
