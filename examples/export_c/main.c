/* A C program using the exported seed-function gradient, without Python. */
#include <stdio.h>
#include <stdlib.h>
#include "seed_grad.h"

int main(int argc, char **argv)
{
    double w1 = argc > 1 ? atof(argv[1]) : 2.0;
    double w2 = argc > 2 ? atof(argv[2]) : 3.0;
    double value, dw1, dw2;
    const void *arg[2] = {&w1, &w2};
    void *res[3] = {&value, &dw1, &dw2};
    void *work = malloc(SEED_GRAD_WORK_BYTES + 64);
    if (!work || seed_grad(arg, res, work) != 0) {
        fprintf(stderr, "seed_grad failed\n");
        return 1;
    }
    printf("L(%.17g, %.17g) = %.17g\n", w1, w2, value);
    printf("dL/dw1 = %.17g\n", dw1);
    printf("dL/dw2 = %.17g\n", dw2);
    free(work);
    return 0;
}
