// Testimonies in the console: the player (a <video> reading the file by ranges, so seeking works, with the
// French subtitles as a <track>, and the transcript), and the upload of a file, streamed from the disk by
// the browser straight to the API (PUT of the raw file: its type is read there from its content).
import { ApiError, h } from "./common.js";
import { STEP_KINDS } from "./labels.js";

export const FORMATS = { video: "Vidéo", audio: "Enregistrement audio", text: "Témoignage écrit" };
export const TRANSITIONS = { chosen: "Reconversion choisie", imposed: "Reconversion subie" };

// "Développeur / Développeuse web · Formation · Reconversion choisie"
export function tags(testimony) {
  return [...testimony.jobs.map((code) => testimony.labels.jobs[code] || code),
    STEP_KINDS[testimony.path_kind], TRANSITIONS[testimony.transition]].filter(Boolean).join(" · ");
}

export function player(testimony) {
  const parts = [];
  const watch = testimony.watch;
  if (testimony.format === "text") {
    parts.push(h("blockquote", { class: "testimony-text" }, testimony.text));
  } else if (watch?.media) {
    const media = h(testimony.format === "audio" && !watch.subtitles ? "audio" : "video",
      { controls: true, playsinline: true, preload: "metadata", class: "testimony-player", src: `/api/profiles${watch.media}`,
        "aria-label": `Témoignage : ${testimony.title}` },
      watch.subtitles ? h("track", { kind: "subtitles", srclang: "fr", label: "Français", default: true,
        src: `/api/profiles${watch.subtitles}` }) : null,
      h("p", {}, "Votre navigateur ne lit pas ce fichier : lisez la transcription ci-dessous."));
    parts.push(media);
  }
  if (testimony.transcript) {
    parts.push(h("details", { class: "transcript" }, h("summary", {}, "Lire la transcription"), h("p", {}, testimony.transcript)));
  }
  return h("figure", { class: "testimony" }, ...parts,
    h("figcaption", {}, h("strong", {}, testimony.title), h("br"), h("span", { class: "muted" }, tags(testimony))));
}

// The raw file, streamed by the browser; the API's French refusal when it says no (415 on `media`, 413...)
export async function uploadFile(url, file, bearer) {
  const headers = { Accept: "application/json", "Content-Type": "application/octet-stream" };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let answer;
  try {
    answer = await fetch(url, { method: "PUT", headers, body: file });
  } catch {
    throw new ApiError(0, "L'envoi du fichier a échoué. Vérifiez votre connexion et réessayez.");
  }
  const data = answer.headers.get("content-type")?.includes("json") ? await answer.json() : undefined;
  if (!answer.ok) throw new ApiError(answer.status, data);
  return data;
}
