@ udf_arm.S: a permanently undefined instruction, which must be reported as a fault, not skipped.
#include "thumb_start.inc"
    movs r0, #1
    udf #0
    b reset
