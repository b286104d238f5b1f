import t from 'tap'
import { parseYoutubeUrl } from '../src/imports/youtube-url.ts'

const id = 'dQw4w9WgXcQ'
const mixedCaseId = 'aB-_9zYxW8v'

/** Every shape of a single-video link, as people paste them, with the id it must give. */
const accepted: Array<[string, string]> = [
  [`https://www.youtube.com/watch?v=${id}`, id],
  [`https://youtube.com/watch?v=${id}`, id],
  [`http://www.youtube.com/watch?v=${id}`, id],
  [`www.youtube.com/watch?v=${id}`, id],
  [`youtube.com/watch?v=${id}`, id],
  [`https://m.youtube.com/watch?v=${id}&pp=ygUEdGVzdA%3D%3D`, id],
  [`https://music.youtube.com/watch?v=${id}&list=RDAMVM${id}`, id],
  [`https://www.youtube.com/watch?feature=share&v=${id}`, id],
  [`https://www.youtube.com/watch?v=${id}&t=42s`, id],
  [`https://www.youtube.com/watch?v=${id}&list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG&index=3`, id],
  [`https://www.youtube.com/watch?v=${id}#t=1m`, id],
  [`https://youtu.be/${id}`, id],
  [`youtu.be/${id}`, id],
  [`https://youtu.be/${id}?si=Zx9_aBcDeFgHiJkL`, id],
  [`https://youtu.be/${id}?t=120`, id],
  [`https://youtu.be/${id}/`, id],
  [`https://www.youtube.com/shorts/${id}`, id],
  [`https://youtube.com/shorts/${id}?feature=share`, id],
  [`https://www.youtube.com/live/${id}?si=abc`, id],
  [`https://www.youtube.com/embed/${id}?start=10&autoplay=1`, id],
  [`https://www.youtube-nocookie.com/embed/${id}`, id],
  [`https://youtube-nocookie.com/embed/${id}`, id],
  [`https://www.youtube.com/v/${id}?version=3`, id],
  [`HTTPS://WWW.YOUTUBE.COM/watch?v=${mixedCaseId}`, mixedCaseId],
  [`https://YouTu.Be/${mixedCaseId}`, mixedCaseId],
  [`  https://youtu.be/${id}\n`, id],
  [`\thttps://www.youtube.com/watch?v=${id}  `, id],
  [`https://www.youtube.com./watch?v=${id}`, id],
]

/** What is not one video, with the code that says why. */
const refused: Array<[string, string, string]> = [
  ['an empty string', '', 'YOUTUBE_URL_INVALID'],
  ['words', 'my biology lecture', 'YOUTUBE_URL_INVALID'],
  ['an ftp link', `ftp://youtube.com/watch?v=${id}`, 'YOUTUBE_URL_INVALID'],
  ['a javascript: link', `javascript:alert(1)//youtube.com/watch?v=${id}`, 'YOUTUBE_URL_INVALID'],
  ['vimeo', 'https://vimeo.com/76979871', 'YOUTUBE_URL_NOT_YOUTUBE'],
  [
    'a look-alike host',
    `https://youtube.com.evil.example/watch?v=${id}`,
    'YOUTUBE_URL_NOT_YOUTUBE',
  ],
  [
    'a host ending in youtube.com',
    `https://notyoutube.com/watch?v=${id}`,
    'YOUTUBE_URL_NOT_YOUTUBE',
  ],
  [
    'youtu.be under another domain',
    `https://youtu.be.evil.example/${id}`,
    'YOUTUBE_URL_NOT_YOUTUBE',
  ],
  ['credentials', `https://a:b@www.youtube.com/watch?v=${id}`, 'YOUTUBE_URL_NOT_YOUTUBE'],
  ['a port', `https://www.youtube.com:8443/watch?v=${id}`, 'YOUTUBE_URL_NOT_YOUTUBE'],
  [
    'a playlist',
    'https://www.youtube.com/playlist?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG',
    'YOUTUBE_URL_NO_VIDEO',
  ],
  ['a channel handle', 'https://www.youtube.com/@veritasium', 'YOUTUBE_URL_NO_VIDEO'],
  [
    'a channel id',
    'https://www.youtube.com/channel/UCHnyfMqiRRG1u-2MsSQLbXA',
    'YOUTUBE_URL_NO_VIDEO',
  ],
  ['a legacy channel', 'https://www.youtube.com/c/Veritasium', 'YOUTUBE_URL_NO_VIDEO'],
  ['a user page', 'https://www.youtube.com/user/1veritasium', 'YOUTUBE_URL_NO_VIDEO'],
  ['the home page', 'https://www.youtube.com/', 'YOUTUBE_URL_NO_VIDEO'],
  ['a search', 'https://www.youtube.com/results?search_query=mitosis', 'YOUTUBE_URL_NO_VIDEO'],
  ['watch without v', 'https://www.youtube.com/watch?t=42', 'YOUTUBE_URL_NO_VIDEO'],
  [
    'two v parameters',
    `https://www.youtube.com/watch?v=${id}&v=aaaaaaaaaaa`,
    'YOUTUBE_URL_NO_VIDEO',
  ],
  ['a bare path that looks like an id', `https://www.youtube.com/${id}`, 'YOUTUBE_URL_NO_VIDEO'],
  ['watch with the id as a path', `https://www.youtube.com/watch/${id}`, 'YOUTUBE_URL_NO_VIDEO'],
  ['youtu.be without an id', 'https://youtu.be/', 'YOUTUBE_URL_NO_VIDEO'],
  ['youtu.be with two segments', `https://youtu.be/${id}/extra`, 'YOUTUBE_URL_NO_VIDEO'],
  ['a 10-character id', 'https://www.youtube.com/watch?v=dQw4w9WgXc', 'YOUTUBE_URL_BAD_VIDEO_ID'],
  ['a 12-character id', 'https://youtu.be/dQw4w9WgXcQQ', 'YOUTUBE_URL_BAD_VIDEO_ID'],
  ['an id with a dot', 'https://youtu.be/dQw4w9WgX.Q', 'YOUTUBE_URL_BAD_VIDEO_ID'],
  [
    'an id with an encoded space',
    'https://www.youtube.com/shorts/dQw4w9%20gXcQ',
    'YOUTUBE_URL_BAD_VIDEO_ID',
  ],
  ['an empty v', 'https://www.youtube.com/watch?v=', 'YOUTUBE_URL_NO_VIDEO'],
]

for (const [link, expected] of accepted) {
  t.test(`${JSON.stringify(link)} is video ${expected}`, async (t) => {
    const result = parseYoutubeUrl(link)
    t.same(result, {
      ok: true,
      videoId: expected,
      canonicalUrl: `https://www.youtube.com/watch?v=${expected}`,
    })
  })
}

for (const [what, link, code] of refused) {
  t.test(`${what} is refused with ${code}`, async (t) => {
    t.same(parseYoutubeUrl(link), { ok: false, code })
  })
}
