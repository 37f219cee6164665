"""onnx_check.py — the ONNX checker (Debian's python3-onnx) on a file
written by pipe's export, then what test_onnx_export.c asserts about it,
one fact a line: the opset, each graph input and output with its element
type and dims (the dynamic axis by its name), each metadata entry.

    /usr/bin/python3 onnx_check.py model.onnx
"""
import sys

import onnx

model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
print("checked")
print("opset=%d" % model.opset_import[0].version)
for kind, values in (("input", model.graph.input), ("output", model.graph.output)):
    for v in values:
        t = v.type.tensor_type
        dims = [d.dim_param or str(d.dim_value) for d in t.shape.dim]
        print("%s %s %s [%s]" % (kind, v.name, onnx.TensorProto.DataType.Name(t.elem_type),
                                 ", ".join(dims)))
for p in model.metadata_props:
    print("meta %s=%s" % (p.key, p.value))
