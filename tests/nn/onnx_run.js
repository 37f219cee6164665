// onnx_run.js — runs an ONNX file with ONNX Runtime (the npm package
// onnxruntime-node) on the rows of a CSV file (a header, then one row per
// line: the model's input columns in order) or on the images of a .npy
// file (float32 or float64, N x C x H x W, C order), and prints one line
// per row: the values of every output, comma-separated, with 9 significant
// digits. Used by test_onnx_export.c:
//   NODE_PATH=<folder>/node_modules node onnx_run.js model.onnx rows.csv|images.npy
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

function readCsv(path) {
  const lines = fs.readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
  const width = lines[0].split(',').length;
  const values = new Float32Array((lines.length - 1) * width);
  lines.slice(1).forEach((line, r) => {
    line.split(',').forEach((v, c) => { values[r * width + c] = Number(v); });
  });
  return new ort.Tensor('float32', values, [lines.length - 1, width]);
}

function readNpy(path) {
  const buf = fs.readFileSync(path);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',').filter((s) => s.trim()).map(Number);
  const f64 = header.includes("'<f8'");
  if (!f64 && !header.includes("'<f4'")) throw new Error('expected <f4 or <f8 in ' + header);
  const count = shape.reduce((a, b) => a * b, 1);
  const data = buf.subarray(10 + headerLen);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = f64 ? data.readDoubleLE(8 * i) : data.readFloatLE(4 * i);
  return new ort.Tensor('float32', values, shape);
}

async function main() {
  const [model, input] = process.argv.slice(2);
  const x = input.endsWith('.npy') ? readNpy(input) : readCsv(input);
  const session = await ort.InferenceSession.create(model);
  const results = await session.run({ [session.inputNames[0]]: x });
  const outputs = session.outputNames.map((name) => results[name]);
  const rows = x.dims[0];
  const lines = [];
  for (let r = 0; r < rows; r++) {
    const fields = [];
    for (const t of outputs) {
      const width = t.data.length / rows;
      for (let j = 0; j < width; j++) {
        const v = t.data[r * width + j];
        fields.push(typeof v === 'bigint' ? v.toString() : v.toPrecision(9));
      }
    }
    lines.push(fields.join(','));
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
