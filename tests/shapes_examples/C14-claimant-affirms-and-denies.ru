# Serbia's foreign ministry, which denies the annulment, is also made to affirm it.
INSERT DATA { GRAPH graph:news {
    claim:0123456789abcdef a kr:Claim , prov:Entity ;
        kr:claimant agent:serbia-mfa ; kr:stance kr:Affirms ; kr:modality kr:Asserted ; kr:about event:GNB-XKX-annulment-1 ;
        kr:evidence <id/ref/example-news-2018/text/L3/9a8b7c6d> .
} }
