// abspose 3D viewer: draws the scene's frames with plotly.js (inlined above).
// Camera frame: x right, y down, z forward [m]. Shown as plotly (x, z, -y): depth away from the
// viewer, up up. window.abspose exposes the scene and setFrame(k); after each draw the body gets
// data-frame, data-image and data-drawn-people (the person traces plotly holds) for tests.
// page.html#frame=K opens at frame K; #play starts playing.
(function () {
  "use strict";
  const scene = JSON.parse(document.getElementById("abspose-scene").textContent);
  const frames = scene.frames;
  const plot = document.getElementById("plot");
  const slider = document.getElementById("slider");
  const playButton = document.getElementById("play");
  const clock = document.getElementById("clock");
  const overlay = document.getElementById("overlay");
  const HEAD = scene.joint_names.indexOf("head_top"), ROOT = scene.joint_names.indexOf("pelvis");
  const show = (p) => [p[0], p[2], -p[1]]; // camera (x, y, z) -> plotly (x, depth, up)

  // Fixed axis ranges over all frames and the camera centre, so the view does not jump.
  const lo = [0, 0, 0], hi = [0, 0, 0];
  for (const f of frames) for (const person of f.people) for (const j of person.joints_m) {
    if (j[0] === null) continue;
    const q = show(j);
    for (let a = 0; a < 3; a++) { lo[a] = Math.min(lo[a], q[a]); hi[a] = Math.max(hi[a], q[a]); }
  }
  const span = Math.max(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2], 1.0);
  for (let a = 0; a < 3; a++) { lo[a] -= 0.08 * span; hi[a] += 0.08 * span; }
  const size = Math.max(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]) / 1.6; // plotly's box side

  // The camera's frustum: its centre to the image corners, an eighth of the scene deep.
  const cam = scene.camera;
  const depth = Math.max(0.3, 0.12 * hi[1]);
  const [w, h] = cam.image_size, [cx, cy] = cam.principal_px;
  const corners = [[0, 0], [w, 0], [w, h], [0, h]].map(
    ([u, v]) => show([((u - cx) / cam.focal_px) * depth, ((v - cy) / cam.fy_px) * depth, depth]));
  const frustum = { x: [], y: [], z: [] };
  const add = (t, p) => { t.x.push(p ? p[0] : null); t.y.push(p ? p[1] : null); t.z.push(p ? p[2] : null); };
  for (const c of corners) { add(frustum, [0, 0, 0]); add(frustum, c); add(frustum, null); }
  for (let i = 0; i <= 4; i++) add(frustum, corners[i % 4]);
  const frustumTrace = {
    type: "scatter3d", mode: "lines", name: "camera", hoverinfo: "name",
    line: { color: "#444", width: 3 }, meta: { kind: "camera" }, ...frustum,
  };

  // Each person's pelvis over time, for the trails.
  const paths = new Map();
  frames.forEach((f, k) => f.people.forEach((person) => {
    if (!paths.has(person.id)) paths.set(person.id, { color: person.color, at: [] });
    paths.get(person.id).at.push([k, show(person.joints_m[ROOT])]);
  }));

  function floorTrace(floor, people) {
    // A 1 m grid on the plane up . X + offset = 0, centred under the people (camera frame).
    const up = floor.up, off = floor.offset_m;
    const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
    const unit = (a) => { const n = Math.hypot(...a); return a.map((v) => v / n); };
    let centre = [0, 0, Math.max(2, 0.5 * hi[1])];
    if (people.length) {
      centre = [0, 1, 2].map((a) => people.reduce((s, p) => s + p.joints_m[ROOT][a], 0) / people.length);
    }
    centre = centre.map((v, a) => v - (dot(up, centre) + off) * up[a]);
    const e1 = unit(cross(up, [0, 0, 1])), e2 = cross(up, e1);
    const t = { x: [], y: [], z: [] }, n = 5;
    for (let i = -n; i <= n; i++) {
      for (const [a, b] of [[e1, e2], [e2, e1]]) {
        add(t, show(centre.map((v, c) => v + i * a[c] - n * b[c])));
        add(t, show(centre.map((v, c) => v + i * a[c] + n * b[c])));
        add(t, null);
      }
    }
    return {
      type: "scatter3d", mode: "lines", name: "floor", hoverinfo: "name",
      line: { color: "#5a9a6a", width: 2 }, meta: { kind: "floor" }, ...t,
    };
  }

  function traces(k) {
    const f = frames[k];
    const out = [frustumTrace];
    if (f.floor) out.push(floorTrace(f.floor, f.people));
    for (const person of f.people) {
      const t = { x: [], y: [], z: [] };
      for (const [a, b] of scene.bones) {
        const pa = person.joints_m[a], pb = person.joints_m[b];
        if (pa[0] === null || pb[0] === null) continue;
        add(t, show(pa)); add(t, show(pb)); add(t, null);
      }
      out.push({
        type: "scatter3d", mode: "lines+markers", name: person.label, hoverinfo: "name",
        line: { color: person.color, width: 6 }, marker: { color: person.color, size: 2.5 },
        meta: { kind: "person", id: person.id }, ...t,
      });
    }
    for (const [id, path] of paths) {
      const seen = path.at.filter(([j]) => j <= k);
      if (seen.length < 2) continue;
      out.push({
        type: "scatter3d", mode: "lines", name: "#" + id + " trail", hoverinfo: "name", showlegend: false,
        line: { color: path.color, width: 2, dash: "dot" }, meta: { kind: "trail", id: id },
        x: seen.map(([, p]) => p[0]), y: seen.map(([, p]) => p[1]), z: seen.map(([, p]) => p[2]),
      });
    }
    if (f.people.length) {
      const tops = f.people.map((p) => { const q = show(p.joints_m[HEAD]); q[2] += 0.25; return q; });
      out.push({
        type: "scatter3d", mode: "text", showlegend: false, hoverinfo: "skip", meta: { kind: "labels" },
        x: tops.map((q) => q[0]), y: tops.map((q) => q[1]), z: tops.map((q) => q[2]),
        text: f.people.map((p) => p.label), textfont: { color: f.people.map((p) => p.color), size: 13 },
      });
    }
    return out;
  }

  const layout = {
    uirevision: "keep", // the user's orbit, zoom and pan survive each frame's redraw
    margin: { l: 0, r: 0, t: 0, b: 0 },
    legend: { x: 0, y: 1 },
    scene: {
      aspectmode: "manual", // metres alike on every axis
      aspectratio: { x: (hi[0] - lo[0]) / size, y: (hi[1] - lo[1]) / size, z: (hi[2] - lo[2]) / size },
      xaxis: { title: { text: "x right [m]" }, range: [lo[0], hi[0]] },
      yaxis: { title: { text: "z forward [m]" }, range: [lo[1], hi[1]] },
      zaxis: { title: { text: "up (-y) [m]" }, range: [lo[2], hi[2]] },
      camera: { eye: { x: 0.6, y: -1.9, z: 0.9 }, up: { x: 0, y: 0, z: 1 } }, // behind and above the camera
    },
  };

  let current = 0;
  let lastImage = null;
  function setFrame(k) {
    current = Math.max(0, Math.min(frames.length - 1, k | 0));
    const f = frames[current];
    slider.value = String(current);
    clock.textContent = "frame " + f.index + ", " + f.time_s.toFixed(2) + " s, " +
      f.people.length + (f.people.length === 1 ? " person" : " people");
    let image = null; // the latest inlined overlay at or before this frame
    for (let j = current; j >= 0 && image === null; j--) image = frames[j].image;
    if (image !== null && image !== lastImage) { overlay.src = scene.images[image]; lastImage = image; }
    return Plotly.react(plot, traces(current), layout, { responsive: true, displaylogo: false }).then(() => {
      document.body.dataset.frame = String(current);
      document.body.dataset.image = String(lastImage); // the overlay frame shown beside it
      document.body.dataset.drawnPeople = String(plot.data.filter((t) => t.meta && t.meta.kind === "person").length);
    });
  }

  let timer = null;
  function pause() { if (timer !== null) { clearInterval(timer); timer = null; } playButton.textContent = "Play"; }
  function play() {
    if (current >= frames.length - 1) setFrame(0);
    const step = 1000 / Math.min(scene.fps || 10, 30);
    let busy = false;
    timer = setInterval(() => {
      if (busy) return; // drop a frame rather than fall behind
      if (current >= frames.length - 1) { pause(); return; }
      busy = true;
      setFrame(current + 1).then(() => { busy = false; });
    }, step);
    playButton.textContent = "Pause";
  }
  playButton.addEventListener("click", () => (timer === null ? play() : pause()));
  slider.addEventListener("input", () => { pause(); setFrame(Number(slider.value)); });

  slider.max = String(frames.length - 1);
  if (frames.length === 1) document.getElementById("controls").classList.add("single");
  if (!scene.images.length) document.getElementById("overlay-box").classList.add("empty");
  document.getElementById("legend").textContent = frames.length + " frame(s); " +
    "camera frame (x right, y down, z forward), drawn with up up; drag to orbit, scroll to zoom" +
    (cam.focal_is_default ? "; the focal length is a guess, so distances scale with it" : "");
  const asked = /frame=(\d+)/.exec(window.location.hash);
  window.abspose = { scene: scene, setFrame: setFrame, play: play, pause: pause };
  setFrame(asked ? Number(asked[1]) : 0).then(() => { if (/play/.test(window.location.hash)) play(); });
})();
