"""Words that sort a chat message, French and English together, folded (no case, no accents).

Viewers write in either language whatever the stream's, so every table holds both.
Phrases of several words match whole words in order; single words match by stem
(plural `s`/`x` dropped), except abusive words, which match as listed.
"""

from __future__ import annotations


def _listed(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


def _phrases(listed: str) -> frozenset[str]:
    return frozenset(p.strip() for p in listed.split(";") if p.strip())


# Topics of a question about a product, most specific first: "how much is shipping?" is
# about shipping, "is XL in stock?" about sizes.
TOPICS: dict[str, frozenset[str]] = {
    "shipping": _phrases(
        "shipping; ship; shipped; delivery; deliver; delivered; postage; courier; dispatch; "
        "livraison; livrer; livre chez; livrez; livree; expedition; expedie; expediez; envoi; "
        "frais de port; colissimo; chronopost; mondial relay"
    ),
    "returns": _phrases(
        "return; returns; returned; refund; refunds; exchange; send it back; money back; "
        "retour; retourner; rembourse; remboursement; rembourser; echange; echanger; renvoyer"
    ),
    "price": _phrases(
        "price; prices; pricing; cost; costs; how much; expensive; cheap; cheaper; discount; "
        "sale; promo; promotion; deal; euro; dollar; pound; bargain; "
        "prix; combien; coute; coutent; couter; cher; chere; tarif; reduction; solde; remise; "
        "rabais; bon plan"
    ),
    "sizes": _phrases(
        "size; sizes; sizing; fit; fits; measurement; small; medium; large; xs; xl; xxl; xxxl; "
        "2xl; 3xl; ml; volume; capacity; format; contenance; taille; tailles; pointure; "
        "mensuration; taille unique"
    ),
    "colors": _phrases(
        "color; colors; colour; colours; shade; coloris; couleur; teinte; "
        "red; blue; green; black; white; grey; gray; pink; yellow; orange; purple; brown; "
        "beige; navy; rouge; bleu; vert; verte; noir; noire; blanc; blanche; gris; grise; "
        "rose; jaune; violet; marron; kaki; khaki; terracotta; sage"
    ),
    "stock": _phrases(
        "stock; in stock; available; availability; sold out; out of stock; any left; restock; "
        "back in stock; can i order; can i buy; still have; "
        "dispo; disponible; disponibilite; rupture; epuise; epuisee; reste; restock; "
        "reassort; en stock; je peux commander; vous avez encore; tu as encore"
    ),
}
QUESTION_TOPICS = tuple(TOPICS)

GREETINGS = _phrases(
    "hi; hello; hey; hiya; howdy; good morning; good afternoon; good evening; greetings; "
    "bonjour; bonsoir; salut; coucou; hello tout le monde; yo; re"
)
THANKS = _phrases(
    "thanks; thank you; thx; ty; cheers; much appreciated; "
    "merci; merci beaucoup; mille merci; cimer"
)
# Words that open a question when no "?" was typed.
QUESTION_OPENERS = _listed(
    "what which how when where why who is are does do did can could will would should have "
    "quel quelle quels quelles quoi comment combien pourquoi quand ou qui est-ce est "
    "avez as peut peux pouvez y-a-t-il existe c'est"
)
# Words that point at the product on screen: "is it soft?", "c'est quoi ?".
DEICTICS = _listed(
    "it this that one ce cet cette celui celle ca c'est cest il elle produit product item article"
)
# Words that say nothing about which product: never matched against titles.
STOPWORDS = _listed(
    "the a an and or of for in on to is it its this that these those with at by from be "
    "are do does you your yours my me i we our can could what which how much many there "
    "have has any some one ones still please pls plz "
    "le la les l un une des du de d et ou en au aux a pour sur ce cet cette ces avec par "
    "est sont il elle ils elles vous tu je j mon ma mes ton ta tes votre vos qu que qui "
    "quoi quel quelle quels quelles combien y s c n ne pas plus encore svp stp"
)
# Insults and slurs, folded. A word also matches with its letters repeated or in
# leetspeak ("stuuup1d"). Small on purpose: a seller extends it, and the host never
# reads a message out anyway.
ABUSIVE = _listed(
    # English
    "idiot idiots stupid moron morons dumb dumbass imbecile loser losers fuck fucking fucker "
    "fuckers fck motherfucker shit shitty bullshit bitch bitches bastard bastards asshole "
    "assholes cunt cunts dick dickhead prick retard retarded whore whores slut sluts wanker "
    "twat scum stfu kys nigger nigga faggot fag fags dyke tranny spastic fatso "
    # French
    "con conne connard connards connasse connasses salope salopes salaud pute putes putain "
    "merde merdique encule encules enculer abruti abrutie abrutis debile debiles cretin "
    "cretine cretins bouffon bouffonne nique niquer ntm fdp batard batarde pd pede tapette "
    "gouine negre bougnoule youpin bicot mongol tarlouze"
)
ABUSIVE_PHRASES = _phrases(
    "shut up; go to hell; kill yourself; son of a bitch; ta gueule; ferme ta gueule; "
    "fils de pute; va te faire; nique ta mere; sale race; tu pues; t'es nul; t'es nulle"
)
