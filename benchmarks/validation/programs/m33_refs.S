/*
 * Cortex-M33 validation references for stm32u575, measured on an RP2350 (Cortex-M33 r1p0) by jnk0le
 * (references.py gives each published figure and its source). Measured by difference as for the Cortex-M7:
 * a function with 4 and one with 14 copies of the sequence (or loop iterations), each called once to warm the
 * ICACHE and once inside a marked region; (region of 14 - region of 4) / 10 is one copy. r7 = marker address,
 * r5 = 0 (the closing marker value). Loads and stores target one SRAM buffer. Each function sits in a
 * 128-byte-aligned block of its own (none crosses a 1 KB boundary, where the simulator would end its basic
 * block); MEASURE starts on a 16-byte ICACHE line and ends with a branch, as in m7_refs.S, so the harness's
 * fetches are the same for 4 and 14 copies. FP registers hold small values (set in main).
 */
    .syntax unified
    .thumb
    .text

    .macro MEASURE fname, name
    .balign 16
    bl \fname
    ldr r6, =\name
    str r6, [r7]
    bl \fname
    str r5, [r7]
    b 1f
1:
    .endm

    .global main
    .type main, %function
    .balign 4
main:
    push {r4-r7, r10, lr}
    ldr r7, =MARKER
    movs r5, #0
    vmov.f32 s0, #1.0
    vmov.f32 s1, #2.0
    vmov.f32 s2, #3.0
    vmov.f32 s3, #0.5
    vmov.f32 s4, #1.5
    vmov.f32 s5, #2.5
    vmov.f32 s6, #0.25
    vmov.f32 s7, #0.75
    MEASURE loop_subs_bne_x4, name_loop_subs_bne_x4
    MEASURE loop_subs_bne_x14, name_loop_subs_bne_x14
    MEASURE loop_dual_bne_x4, name_loop_dual_bne_x4
    MEASURE loop_dual_bne_x14, name_loop_dual_bne_x14
    MEASURE loop_ldm_bne_x4, name_loop_ldm_bne_x4
    MEASURE loop_ldm_bne_x14, name_loop_ldm_bne_x14
    MEASURE adds_beq_not_taken_x4, name_adds_beq_not_taken_x4
    MEASURE adds_beq_not_taken_x14, name_adds_beq_not_taken_x14
    MEASURE alu_pair_x4, name_alu_pair_x4
    MEASURE alu_pair_x14, name_alu_pair_x14
    MEASURE shifted_reg_chain_x4, name_shifted_reg_chain_x4
    MEASURE shifted_reg_chain_x14, name_shifted_reg_chain_x14
    MEASURE shifted_const_chain_x4, name_shifted_const_chain_x4
    MEASURE shifted_const_chain_x14, name_shifted_const_chain_x14
    MEASURE uxtab_accumulate_x4, name_uxtab_accumulate_x4
    MEASURE uxtab_accumulate_x14, name_uxtab_accumulate_x14
    MEASURE uxtab_extended_x4, name_uxtab_extended_x4
    MEASURE uxtab_extended_x14, name_uxtab_extended_x14
    MEASURE mla_accumulate_x4, name_mla_accumulate_x4
    MEASURE mla_accumulate_x14, name_mla_accumulate_x14
    MEASURE mla_multiplicand_x4, name_mla_multiplicand_x4
    MEASURE mla_multiplicand_x14, name_mla_multiplicand_x14
    MEASURE uadd8_chain_x4, name_uadd8_chain_x4
    MEASURE uadd8_chain_x14, name_uadd8_chain_x14
    MEASURE bfi_chain_x4, name_bfi_chain_x4
    MEASURE bfi_chain_x14, name_bfi_chain_x14
    MEASURE muls_pair_x4, name_muls_pair_x4
    MEASURE muls_pair_x14, name_muls_pair_x14
    MEASURE adds_shifted_const_x4, name_adds_shifted_const_x4
    MEASURE adds_shifted_const_x14, name_adds_shifted_const_x14
    MEASURE movs_shifted_const_x4, name_movs_shifted_const_x4
    MEASURE movs_shifted_const_x14, name_movs_shifted_const_x14
    MEASURE it_flagset_eq_x4, name_it_flagset_eq_x4
    MEASURE it_flagset_eq_x14, name_it_flagset_eq_x14
    MEASURE it_flagset_ne_x4, name_it_flagset_ne_x4
    MEASURE it_flagset_ne_x14, name_it_flagset_ne_x14
    MEASURE it_shifted_eq_x4, name_it_shifted_eq_x4
    MEASURE it_shifted_eq_x14, name_it_shifted_eq_x14
    MEASURE it_shifted_ne_x4, name_it_shifted_ne_x4
    MEASURE it_shifted_ne_x14, name_it_shifted_ne_x14
    MEASURE load_use_x4, name_load_use_x4
    MEASURE load_use_x14, name_load_use_x14
    MEASURE load_store_x4, name_load_store_x4
    MEASURE load_store_x14, name_load_store_x14
    MEASURE load_mla_x4, name_load_mla_x4
    MEASURE load_mla_x14, name_load_mla_x14
    MEASURE ldrd_x4, name_ldrd_x4
    MEASURE ldrd_x14, name_ldrd_x14
    MEASURE strd_x4, name_strd_x4
    MEASURE strd_x14, name_strd_x14
    MEASURE ldm4_x4, name_ldm4_x4
    MEASURE ldm4_x14, name_ldm4_x14
    MEASURE stm4_x4, name_stm4_x4
    MEASURE stm4_x14, name_stm4_x14
    MEASURE vfma_accumulate_x4, name_vfma_accumulate_x4
    MEASURE vfma_accumulate_x14, name_vfma_accumulate_x14
    MEASURE vmul_vadd_two_acc_x4, name_vmul_vadd_two_acc_x4
    MEASURE vmul_vadd_two_acc_x14, name_vmul_vadd_two_acc_x14
    MEASURE vadd_chain_x4, name_vadd_chain_x4
    MEASURE vadd_chain_x14, name_vadd_chain_x14
    MEASURE vadd_independent_x4, name_vadd_independent_x4
    MEASURE vadd_independent_x14, name_vadd_independent_x14
    MEASURE vmov_to_two_core_x4, name_vmov_to_two_core_x4
    MEASURE vmov_to_two_core_x14, name_vmov_to_two_core_x14
    MEASURE vmov_from_two_core_x4, name_vmov_from_two_core_x4
    MEASURE vmov_from_two_core_x14, name_vmov_from_two_core_x14
    MEASURE vmov_to_core_x4, name_vmov_to_core_x4
    MEASURE vmov_to_core_x14, name_vmov_to_core_x14
    movs r0, #0
    pop {r4-r7, r10, pc}
    .size main, . - main
    .pool

    /* A loop of SUBS and a taken BNE, both 16-bit: N iterations. */
    .macro GEN_LOOP_SUBS_BNE n
    .balign 128
loop_subs_bne_x\n:
    movs r0, #\n
1:
    subs r0, #1
    bne 1b
    bx lr
    .endm
    GEN_LOOP_SUBS_BNE 4
    GEN_LOOP_SUBS_BNE 14

    /* A loop whose taken BNE follows a 16-bit ADD that sets no flags: N iterations. */
    .macro GEN_LOOP_DUAL_BNE n
    .balign 128
loop_dual_bne_x\n:
    movs r0, #\n
1:
    subs r0, #1
    add r1, r2
    bne 1b
    bx lr
    .endm
    GEN_LOOP_DUAL_BNE 4
    GEN_LOOP_DUAL_BNE 14

    /* A loop whose taken BNE follows a 16-bit LDMIA of four registers: N iterations. */
    .macro GEN_LOOP_LDM_BNE n
    .balign 128
loop_ldm_bne_x\n:
    movs r0, #\n
    ldr r6, =buffer
1:
    subs r0, #1
    ldmia r6!, {r1-r4}
    bne 1b
    bx lr
    .pool
    .endm
    GEN_LOOP_LDM_BNE 4
    GEN_LOOP_LDM_BNE 14

    /* A flag-setting 16-bit ADDS and a 16-bit BEQ never taken (r1 counts up from 1). */
    .macro GEN_ADDS_BEQ_NOT_TAKEN n
    .balign 128
adds_beq_not_taken_x\n:
    movs r1, #1
    movs r2, #1
    .rept \n
    adds r1, r2
    beq 2f
    .endr
2:
    bx lr
    .endm
    GEN_ADDS_BEQ_NOT_TAKEN 4
    GEN_ADDS_BEQ_NOT_TAKEN 14

    /* Two independent 16-bit ALU instructions. */
    .macro GEN_ALU_PAIR n
    .balign 128
alu_pair_x\n:
    .rept \n
    adds r1, #1
    adds r2, #1
    .endr
    bx lr
    .endm
    GEN_ALU_PAIR 4
    GEN_ALU_PAIR 14

    /* A chain of ADD.W with a shifted-register operand, dependent through the other operand. */
    .macro GEN_SHIFTED_REG_CHAIN n
    .balign 128
shifted_reg_chain_x\n:
    movs r1, #1
    movs r2, #3
    .rept \n
    add.w r1, r1, r2, ror #24
    .endr
    bx lr
    .endm
    GEN_SHIFTED_REG_CHAIN 4
    GEN_SHIFTED_REG_CHAIN 14

    /* A chain of EOR.W with a shifted constant (0x1fc0 = 0x7f << 6). */
    .macro GEN_SHIFTED_CONST_CHAIN n
    .balign 128
shifted_const_chain_x\n:
    movs r1, #1
    .rept \n
    eor.w r1, r1, #0x1fc0
    .endr
    bx lr
    .endm
    GEN_SHIFTED_CONST_CHAIN 4
    GEN_SHIFTED_CONST_CHAIN 14

    /* A chain of UXTAB dependent through the accumulate (added) operand. */
    .macro GEN_UXTAB_ACCUMULATE n
    .balign 128
uxtab_accumulate_x\n:
    movs r1, #1
    movs r2, #3
    .rept \n
    uxtab r1, r1, r2
    .endr
    bx lr
    .endm
    GEN_UXTAB_ACCUMULATE 4
    GEN_UXTAB_ACCUMULATE 14

    /* A chain of UXTAB dependent through the extended operand. */
    .macro GEN_UXTAB_EXTENDED n
    .balign 128
uxtab_extended_x\n:
    movs r1, #1
    movs r2, #3
    .rept \n
    uxtab r1, r2, r1
    .endr
    bx lr
    .endm
    GEN_UXTAB_EXTENDED 4
    GEN_UXTAB_EXTENDED 14

    /* A chain of MLA dependent through the accumulator. */
    .macro GEN_MLA_ACCUMULATE n
    .balign 128
mla_accumulate_x\n:
    movs r1, #1
    movs r2, #3
    movs r3, #5
    .rept \n
    mla r1, r2, r3, r1
    .endr
    bx lr
    .endm
    GEN_MLA_ACCUMULATE 4
    GEN_MLA_ACCUMULATE 14

    /* A chain of MLA dependent through a multiplicand. */
    .macro GEN_MLA_MULTIPLICAND n
    .balign 128
mla_multiplicand_x\n:
    movs r1, #1
    movs r2, #3
    movs r3, #5
    .rept \n
    mla r1, r1, r2, r3
    .endr
    bx lr
    .endm
    GEN_MLA_MULTIPLICAND 4
    GEN_MLA_MULTIPLICAND 14

    /* A chain of UADD8 (SIMD) dependent through its first operand. */
    .macro GEN_UADD8_CHAIN n
    .balign 128
uadd8_chain_x\n:
    movs r1, #1
    movs r2, #3
    .rept \n
    uadd8 r1, r1, r2
    .endr
    bx lr
    .endm
    GEN_UADD8_CHAIN 4
    GEN_UADD8_CHAIN 14

    /* A chain of BFI (each inserts into the register the previous one wrote). */
    .macro GEN_BFI_CHAIN n
    .balign 128
bfi_chain_x\n:
    movs r1, #1
    movs r2, #3
    .rept \n
    bfi r1, r2, #4, #8
    .endr
    bx lr
    .endm
    GEN_BFI_CHAIN 4
    GEN_BFI_CHAIN 14

    /* Two 16-bit MULS, each on its own register (a copy is a pair). */
    .macro GEN_MULS_PAIR n
    .balign 128
muls_pair_x\n:
    movs r1, #1
    movs r2, #3
    movs r3, #5
    .rept \n
    muls r1, r2, r1
    muls r3, r2, r3
    .endr
    bx lr
    .endm
    GEN_MULS_PAIR 4
    GEN_MULS_PAIR 14

    /* Independent flag-setting ADDS.W with a shifted constant. */
    .macro GEN_ADDS_SHIFTED_CONST n
    .balign 128
adds_shifted_const_x\n:
    movs r2, #3
    .rept \n
    adds.w r1, r2, #0x1fc0
    .endr
    bx lr
    .endm
    GEN_ADDS_SHIFTED_CONST 4
    GEN_ADDS_SHIFTED_CONST 14

    /* Independent MOVS.W of a shifted constant. */
    .macro GEN_MOVS_SHIFTED_CONST n
    .balign 128
movs_shifted_const_x\n:
    .rept \n
    movs.w r1, #0x1fc0
    .endr
    bx lr
    .endm
    GEN_MOVS_SHIFTED_CONST 4
    GEN_MOVS_SHIFTED_CONST 14

    /* MOV, IT EQ and a flag-setting ADDSEQ.W with a shifted constant, executed (r2 = -0x1fc0 keeps Z set; the setup sets flags last). */
    .macro GEN_IT_FLAGSET_EQ n
    .balign 128
it_flagset_eq_x\n:
    ldr r2, =-0x1fc0
    movs r1, #0
    .rept \n
    mov r10, r10
    it eq
    addseq.w r1, r2, #0x1fc0
    .endr
    bx lr
    .pool
    .endm
    GEN_IT_FLAGSET_EQ 4
    GEN_IT_FLAGSET_EQ 14

    /* The same with Z clear: the ADDSEQ.W is predicated out. */
    .macro GEN_IT_FLAGSET_NE n
    .balign 128
it_flagset_ne_x\n:
    ldr r2, =-0x1fc0
    movs r1, #1
    .rept \n
    mov r10, r10
    it eq
    addseq.w r1, r2, #0x1fc0
    .endr
    bx lr
    .pool
    .endm
    GEN_IT_FLAGSET_NE 4
    GEN_IT_FLAGSET_NE 14

    /* MOV, IT EQ, ADDEQ.W with a shifted register, then an ADD that uses its result; executed (Z set). */
    .macro GEN_IT_SHIFTED_EQ n
    .balign 128
it_shifted_eq_x\n:
    movs r2, #3
    movs r3, #5
    movs r1, #0
    .rept \n
    mov r10, r10
    it eq
    addeq.w r0, r1, r2, ror #23
    add r0, r3
    .endr
    bx lr
    .endm
    GEN_IT_SHIFTED_EQ 4
    GEN_IT_SHIFTED_EQ 14

    /* The same with Z clear: the ADDEQ.W is predicated out. */
    .macro GEN_IT_SHIFTED_NE n
    .balign 128
it_shifted_ne_x\n:
    movs r2, #3
    movs r3, #5
    movs r1, #1
    .rept \n
    mov r10, r10
    it eq
    addeq.w r0, r1, r2, ror #23
    add r0, r3
    .endr
    bx lr
    .endm
    GEN_IT_SHIFTED_NE 4
    GEN_IT_SHIFTED_NE 14

    /* A load whose result the next (ALU) instruction uses. */
    .macro GEN_LOAD_USE n
    .balign 128
load_use_x\n:
    ldr r0, =buffer
    .rept \n
    ldr r1, [r0]
    adds r2, r1
    .endr
    bx lr
    .pool
    .endm
    GEN_LOAD_USE 4
    GEN_LOAD_USE 14

    /* A load whose result the next instruction stores, then a MOV (the template's 1-cycle filler). */
    .macro GEN_LOAD_STORE n
    .balign 128
load_store_x\n:
    ldr r0, =buffer
    .rept \n
    ldr r1, [r0]
    str r1, [r0, #4]
    mov r10, r10
    .endr
    bx lr
    .pool
    .endm
    GEN_LOAD_STORE 4
    GEN_LOAD_STORE 14

    /* A load whose result the next MLA takes as its accumulator. */
    .macro GEN_LOAD_MLA n
    .balign 128
load_mla_x\n:
    ldr r0, =buffer
    movs r3, #3
    movs r4, #5
    .rept \n
    ldr r1, [r0]
    mla r2, r3, r4, r1
    .endr
    bx lr
    .pool
    .endm
    GEN_LOAD_MLA 4
    GEN_LOAD_MLA 14

    /* Load double, back to back. */
    .macro GEN_LDRD n
    .balign 128
ldrd_x\n:
    ldr r0, =buffer
    .rept \n
    ldrd r1, r2, [r0]
    .endr
    bx lr
    .pool
    .endm
    GEN_LDRD 4
    GEN_LDRD 14

    /* Store double, back to back. */
    .macro GEN_STRD n
    .balign 128
strd_x\n:
    ldr r0, =buffer
    .rept \n
    strd r1, r2, [r0]
    .endr
    bx lr
    .pool
    .endm
    GEN_STRD 4
    GEN_STRD 14

    /* Load multiple of four registers, back to back (no write-back). */
    .macro GEN_LDM4 n
    .balign 128
ldm4_x\n:
    ldr r0, =buffer
    .rept \n
    ldm r0, {r1-r4}
    .endr
    bx lr
    .pool
    .endm
    GEN_LDM4 4
    GEN_LDM4 14

    /* Store multiple of four registers, back to back (no write-back). */
    .macro GEN_STM4 n
    .balign 128
stm4_x\n:
    ldr r0, =buffer
    .rept \n
    stm r0, {r1-r4}
    .endr
    bx lr
    .pool
    .endm
    GEN_STM4 4
    GEN_STM4 14

    /* VFMA into one accumulator, two MOVs between (no FP instruction in the two cycles after it). */
    .macro GEN_VFMA_ACCUMULATE n
    .balign 128
vfma_accumulate_x\n:
    .rept \n
    vfma.f32 s0, s1, s2
    mov r10, r10
    mov r10, r10
    .endr
    bx lr
    .endm
    GEN_VFMA_ACCUMULATE 4
    GEN_VFMA_ACCUMULATE 14

    /* Two multiply-then-add accumulations interleaved on two accumulators. */
    .macro GEN_VMUL_VADD_TWO_ACC n
    .balign 128
vmul_vadd_two_acc_x\n:
    .rept \n
    vmul.f32 s0, s1, s2
    vmul.f32 s4, s5, s6
    vadd.f32 s3, s3, s0
    vadd.f32 s7, s7, s4
    .endr
    bx lr
    .endm
    GEN_VMUL_VADD_TWO_ACC 4
    GEN_VMUL_VADD_TWO_ACC 14

    /* A chain of VADD.F32, each on the previous result. */
    .macro GEN_VADD_CHAIN n
    .balign 128
vadd_chain_x\n:
    .rept \n
    vadd.f32 s0, s0, s1
    .endr
    bx lr
    .endm
    GEN_VADD_CHAIN 4
    GEN_VADD_CHAIN 14

    /* Independent VADD.F32. */
    .macro GEN_VADD_INDEPENDENT n
    .balign 128
vadd_independent_x\n:
    .rept \n
    vadd.f32 s0, s1, s2
    .endr
    bx lr
    .endm
    GEN_VADD_INDEPENDENT 4
    GEN_VADD_INDEPENDENT 14

    /* VMOV of two S registers to two core registers, independent copies. */
    .macro GEN_VMOV_TO_TWO_CORE n
    .balign 128
vmov_to_two_core_x\n:
    .rept \n
    vmov r1, r2, s0, s1
    .endr
    bx lr
    .endm
    GEN_VMOV_TO_TWO_CORE 4
    GEN_VMOV_TO_TWO_CORE 14

    /* VMOV of two core registers to two S registers, independent copies. */
    .macro GEN_VMOV_FROM_TWO_CORE n
    .balign 128
vmov_from_two_core_x\n:
    movs r1, #1
    movs r2, #3
    .rept \n
    vmov s0, s1, r1, r2
    .endr
    bx lr
    .endm
    GEN_VMOV_FROM_TWO_CORE 4
    GEN_VMOV_FROM_TWO_CORE 14

    /* VMOV of one S register to one core register, independent copies. */
    .macro GEN_VMOV_TO_CORE n
    .balign 128
vmov_to_core_x\n:
    .rept \n
    vmov r1, s0
    .endr
    bx lr
    .endm
    GEN_VMOV_TO_CORE 4
    GEN_VMOV_TO_CORE 14

    .section .rodata
name_loop_subs_bne_x4: .asciz "loop_subs_bne_x4"
name_loop_subs_bne_x14: .asciz "loop_subs_bne_x14"
name_loop_dual_bne_x4: .asciz "loop_dual_bne_x4"
name_loop_dual_bne_x14: .asciz "loop_dual_bne_x14"
name_loop_ldm_bne_x4: .asciz "loop_ldm_bne_x4"
name_loop_ldm_bne_x14: .asciz "loop_ldm_bne_x14"
name_adds_beq_not_taken_x4: .asciz "adds_beq_not_taken_x4"
name_adds_beq_not_taken_x14: .asciz "adds_beq_not_taken_x14"
name_alu_pair_x4: .asciz "alu_pair_x4"
name_alu_pair_x14: .asciz "alu_pair_x14"
name_shifted_reg_chain_x4: .asciz "shifted_reg_chain_x4"
name_shifted_reg_chain_x14: .asciz "shifted_reg_chain_x14"
name_shifted_const_chain_x4: .asciz "shifted_const_chain_x4"
name_shifted_const_chain_x14: .asciz "shifted_const_chain_x14"
name_uxtab_accumulate_x4: .asciz "uxtab_accumulate_x4"
name_uxtab_accumulate_x14: .asciz "uxtab_accumulate_x14"
name_uxtab_extended_x4: .asciz "uxtab_extended_x4"
name_uxtab_extended_x14: .asciz "uxtab_extended_x14"
name_mla_accumulate_x4: .asciz "mla_accumulate_x4"
name_mla_accumulate_x14: .asciz "mla_accumulate_x14"
name_mla_multiplicand_x4: .asciz "mla_multiplicand_x4"
name_mla_multiplicand_x14: .asciz "mla_multiplicand_x14"
name_uadd8_chain_x4: .asciz "uadd8_chain_x4"
name_uadd8_chain_x14: .asciz "uadd8_chain_x14"
name_bfi_chain_x4: .asciz "bfi_chain_x4"
name_bfi_chain_x14: .asciz "bfi_chain_x14"
name_muls_pair_x4: .asciz "muls_pair_x4"
name_muls_pair_x14: .asciz "muls_pair_x14"
name_adds_shifted_const_x4: .asciz "adds_shifted_const_x4"
name_adds_shifted_const_x14: .asciz "adds_shifted_const_x14"
name_movs_shifted_const_x4: .asciz "movs_shifted_const_x4"
name_movs_shifted_const_x14: .asciz "movs_shifted_const_x14"
name_it_flagset_eq_x4: .asciz "it_flagset_eq_x4"
name_it_flagset_eq_x14: .asciz "it_flagset_eq_x14"
name_it_flagset_ne_x4: .asciz "it_flagset_ne_x4"
name_it_flagset_ne_x14: .asciz "it_flagset_ne_x14"
name_it_shifted_eq_x4: .asciz "it_shifted_eq_x4"
name_it_shifted_eq_x14: .asciz "it_shifted_eq_x14"
name_it_shifted_ne_x4: .asciz "it_shifted_ne_x4"
name_it_shifted_ne_x14: .asciz "it_shifted_ne_x14"
name_load_use_x4: .asciz "load_use_x4"
name_load_use_x14: .asciz "load_use_x14"
name_load_store_x4: .asciz "load_store_x4"
name_load_store_x14: .asciz "load_store_x14"
name_load_mla_x4: .asciz "load_mla_x4"
name_load_mla_x14: .asciz "load_mla_x14"
name_ldrd_x4: .asciz "ldrd_x4"
name_ldrd_x14: .asciz "ldrd_x14"
name_strd_x4: .asciz "strd_x4"
name_strd_x14: .asciz "strd_x14"
name_ldm4_x4: .asciz "ldm4_x4"
name_ldm4_x14: .asciz "ldm4_x14"
name_stm4_x4: .asciz "stm4_x4"
name_stm4_x14: .asciz "stm4_x14"
name_vfma_accumulate_x4: .asciz "vfma_accumulate_x4"
name_vfma_accumulate_x14: .asciz "vfma_accumulate_x14"
name_vmul_vadd_two_acc_x4: .asciz "vmul_vadd_two_acc_x4"
name_vmul_vadd_two_acc_x14: .asciz "vmul_vadd_two_acc_x14"
name_vadd_chain_x4: .asciz "vadd_chain_x4"
name_vadd_chain_x14: .asciz "vadd_chain_x14"
name_vadd_independent_x4: .asciz "vadd_independent_x4"
name_vadd_independent_x14: .asciz "vadd_independent_x14"
name_vmov_to_two_core_x4: .asciz "vmov_to_two_core_x4"
name_vmov_to_two_core_x14: .asciz "vmov_to_two_core_x14"
name_vmov_from_two_core_x4: .asciz "vmov_from_two_core_x4"
name_vmov_from_two_core_x14: .asciz "vmov_from_two_core_x14"
name_vmov_to_core_x4: .asciz "vmov_to_core_x4"
name_vmov_to_core_x14: .asciz "vmov_to_core_x14"

    .bss
    .balign 8
buffer: .space 512
