// Compile a wheel's shared libraries (.so = WebAssembly side modules) as soon as the
// wheel is downloaded, on V8's background threads while the core is still starting.
// When Pyodide later instantiates the same bytes (it reads them back from its file
// system after unpacking the wheel), the compiled module is used instead of compiling
// again. Bytes are compared in full, so a mismatch only means a normal compile.

const compiled = new Map(); // byteLength -> [{ bytes, module: Promise<WebAssembly.Module> }]
const realInstantiate = WebAssembly.instantiate.bind(WebAssembly);
export const dynlibStats = { precompiled: 0, reused: 0 }; // for the benchmark

async function inflateRaw(data) {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// The *.so members of a zip (a wheel), decompressed.
async function sharedLibs(buf) {
  const view = new DataView(buf);
  let eocd = buf.byteLength - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  if (eocd < 0) return [];
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const names = new TextDecoder();
  const out = [];
  for (let i = 0; i < count && view.getUint32(p, true) === 0x02014b50; i++) {
    const method = view.getUint16(p + 10, true);
    const size = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true);
    const skip = nameLen + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
    const name = names.decode(new Uint8Array(buf, p + 46, nameLen));
    const local = view.getUint32(p + 42, true);
    p += 46 + skip;
    if (!name.endsWith(".so") || (method !== 0 && method !== 8)) continue;
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = new Uint8Array(buf, start, size);
    out.push(method === 0 ? data.slice() : inflateRaw(data));
  }
  return Promise.all(out);
}

export async function precompileWheel(response) {
  if (typeof DecompressionStream !== "function") return;
  try {
    for (const bytes of await sharedLibs(await response.arrayBuffer())) {
      const module = WebAssembly.compile(bytes);
      module.catch(() => {});
      dynlibStats.precompiled += 1;
      const list = compiled.get(bytes.byteLength) || [];
      list.push({ bytes, module });
      compiled.set(bytes.byteLength, list);
    }
  } catch (err) {
    console.warn("livecode: shared libraries not precompiled", err);
  }
}

function sameBytes(a, b) {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function takeCompiled(source) {
  const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : null;
  const list = bytes && compiled.get(bytes.byteLength);
  const i = list ? list.findIndex((entry) => sameBytes(entry.bytes, bytes)) : -1;
  return i < 0 ? null : list.splice(i, 1)[0].module;
}

// Emscripten's dynamic linker calls WebAssembly.instantiate(bytes, imports).
WebAssembly.instantiate = async (source, imports) => {
  const ready = takeCompiled(source);
  if (ready) {
    try {
      const module = await ready;
      dynlibStats.reused += 1;
      return { module, instance: await realInstantiate(module, imports) };
    } catch {
      /* fall through: compile as usual */
    }
  }
  return realInstantiate(source, imports);
};
