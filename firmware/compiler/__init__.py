"""The .tflite-to-firmware compiler: reader, lowering to kernel calls, arena planner, C generator, build."""
