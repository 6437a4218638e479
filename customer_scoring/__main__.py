from customer_scoring.cli import main

main()
