/**
 * Words that carry grammar rather than topic, so they never make a sentence look important or
 * become a key point. Besides the usual English function words the list holds the fillers
 * and discourse words of speech (`um`, `yeah`, `okay`, `gonna`, `kind of`, `you know`),
 * because the transcripts are of people talking, and those would otherwise top every count.
 *
 * All entries are lowercase, with straight apostrophes, as `tokenize` produces them.
 *
 * Limitation: English only; a lecture in another language gets no stop words removed and its
 * summary favours its most frequent function words.
 */
const words = `
a about above after again against ago ah all almost also although always am among an and
another any anybody anyone anything anyway are aren't around as at away

back be became because become been before being below between both but by

can can't cannot could couldn't

did didn't do does doesn't doing don't done down during

each either else enough etc even ever every everybody everyone everything

few for from further

get gets getting go goes going gone gonna got gotta

had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself
him himself his how how's however hmm huh

i i'd i'll i'm i've if in instead into is isn't it it's its itself

just

kind kinda know

last let let's like likely

made make makes many may maybe me mean might mine more most mostly much must mustn't my
myself mr mrs ms

need needs neither never next no nobody none nor not nothing now

of off often oh ok okay on once one ones only onto or other others otherwise our ours
ourselves out over own

per perhaps please pretty probably put

quite

rather really right

said same say says see seem seems shall she she'd she'll she's should shouldn't since so
some somebody someone something sometimes somewhat sort still such sure

take than thank thanks that that's the their theirs them themselves then there there's
these they they'd they'll they're they've thing things think this those though through thus
to together too toward towards

uh uhm um under unless until up upon us use used using usually

very via

wanna want wants was wasn't way we we'd we'll we're we've well went were weren't what
what's whatever when where where's whether which while who who's whoever whole whom whose
why will with within without won't would wouldn't

yeah yep yes yet you you'd you'll you're you've your yours yourself yourselves
`

export const stopWords: ReadonlySet<string> = new Set(words.split(/\s+/).filter(Boolean))
